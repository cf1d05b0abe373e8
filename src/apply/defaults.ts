// Apply's defaults, in a module of their own so that the CLI shows them in `--help` without loading apply.

/** Agents sending requests at the same time (`--parallelism`). */
export const DEFAULT_PARALLELISM = 4;
/** How long one agent's mock-mode toggle may take, from its start (`--toggle-timeout`). */
export const DEFAULT_TOGGLE_TIMEOUT_MS = 5 * 60_000;
/** Backups kept in the backups folder, the newest (`--keep-backups`; 0 keeps all). */
export const DEFAULT_KEEP_BACKUPS = 20;

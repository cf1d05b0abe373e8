/**
 * The two generations of Cekura's agents API (shared/cekura-api/NOTES.md, "Two generations of the
 * API"), named by the month their reference describes. `2026-06` is the API of the pages in
 * shared/cekura-api/: list items are whole agents and mock-tool mode is reached by toggle + poll.
 * `2026-08` is Cekura's public reference since: list items leave `description` out, the toggle routes
 * are gone and `mock_tools_enabled` is written by PATCH.
 */
export const API_GENERATIONS = ['2026-06', '2026-08'] as const;
export type ApiGeneration = (typeof API_GENERATIONS)[number];

/** The pages' generation: what the emulator answers unless told otherwise, so the demo shows the toggle. */
export const DEFAULT_API_GENERATION: ApiGeneration = '2026-06';

/** An environment's name; it is also the state record's file name (`.cekuraform/<name>.state.json`), so no dots or slashes. */
export const ENVIRONMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A var's name, as written in `${var.NAME}`. */
export const VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

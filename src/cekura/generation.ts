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

/**
 * How a mock-mode change is made, which depends on the generation of Cekura's API (NOTES.md, "Two
 * generations of the API"): `toggle` posts `…/toggle-mock-tools/` after the agent's write and polls its
 * progress (the pages' API, where `mock_tools_enabled` is read-only); `patch` sends
 * `mock_tools_enabled` in the agent's write, or alone in one PATCH when nothing else changes (the
 * newer API, which has no toggle routes).
 */
export const MOCK_MODE_VIAS = ['toggle', 'patch'] as const;
export type MockModeVia = (typeof MOCK_MODE_VIAS)[number];

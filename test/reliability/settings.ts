import type { Parameters } from 'fast-check';

// How hard the properties try. `npm test` runs a few fixed-seed cases of each; a longer run sets
// CEKURAFORM_PROPERTY_RUNS (and CEKURAFORM_PROPERTY_SEED=random for a fresh stream); a failure is
// replayed from the seed and path fast-check prints (see README.md beside this file).

/** Runs of one property: the environment's CEKURAFORM_PROPERTY_RUNS, else `fallback`. */
export function propertyRuns(fallback: number): number {
  const text = process.env.CEKURAFORM_PROPERTY_RUNS;
  if (text === undefined || text === '') return fallback;
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`CEKURAFORM_PROPERTY_RUNS must be a whole number above 0, not ${JSON.stringify(text)}`);
  return runs;
}

/**
 * fast-check parameters: `numRuns` from `propertyRuns`, the fixed `seed` unless
 * CEKURAFORM_PROPERTY_SEED gives one (`random` lets fast-check pick), and CEKURAFORM_PROPERTY_PATH
 * to replay one failing case.
 */
export function propertyParameters<T>(fixedSeed: number, fallbackRuns: number): Parameters<T> {
  const seedText = process.env.CEKURAFORM_PROPERTY_SEED;
  const path = process.env.CEKURAFORM_PROPERTY_PATH;
  const parameters: Parameters<T> = { numRuns: propertyRuns(fallbackRuns), verbose: 1 };
  if (seedText === undefined || seedText === '') parameters.seed = fixedSeed;
  else if (seedText !== 'random') {
    const seed = Number(seedText);
    if (!Number.isInteger(seed))
      throw new Error(`CEKURAFORM_PROPERTY_SEED must be an integer or "random", not ${JSON.stringify(seedText)}`);
    parameters.seed = seed;
  }
  if (path !== undefined && path !== '') parameters.path = path;
  return parameters;
}

/** A vitest timeout for a property: `perRunMs` per run, at least 20 s. */
export function propertyTimeout(fallbackRuns: number, perRunMs: number): number {
  return Math.max(20_000, propertyRuns(fallbackRuns) * perRunMs * 3);
}

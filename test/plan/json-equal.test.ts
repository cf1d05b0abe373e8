import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqual, lazyProperty } from '../../src/json.js';

// The planner compares items in place instead of serialising both sides; it must say what comparing
// their canonical JSON said.

/** JSON-like values with the edge cases YAML and wire data bring: undefined properties, NaN, -0, key order. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -0, 1, NaN, Infinity, '', 'a', '0'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** The same value with its keys in reverse order, so that equal values are generated often. */
function reordered(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(reordered);
  if (typeof input === 'object' && input !== null)
    return Object.fromEntries(
      Object.entries(input)
        .reverse()
        .map(([key, item]) => [key, reordered(item)]),
    );
  return input;
}

describe('deepEqual', () => {
  it('agrees with comparing canonical JSON', () => {
    fc.assert(
      fc.property(value, value, fc.boolean(), (a, b, same) => {
        const other = same ? reordered(a) : b;
        expect(deepEqual(a, other)).toBe(canonicalJson(a) === canonicalJson(other));
      }),
      { numRuns: 2000, seed: 1313 },
    );
  });

  it.each([
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [[undefined], [null], true],
    [{ a: NaN }, { a: null }, true],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: {} }, { a: [] }, false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
  ])('%j and %j: %s', (a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
    expect(deepEqual(b, a)).toBe(expected);
  });
});

describe('lazyProperty', () => {
  it('computes on the first read only, and is written by JSON.stringify in its place', () => {
    let computed = 0;
    const target = lazyProperty({ first: 1 }, 'digest', () => {
      computed += 1;
      return 'abc';
    });
    expect(computed).toBe(0);
    expect(JSON.stringify({ ...target, last: 2 })).toBe('{"first":1,"digest":"abc","last":2}');
    expect(target.digest).toBe('abc');
    expect(computed).toBe(1);
  });
});

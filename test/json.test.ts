import { describe, expect, it } from 'vitest';
import { canonicalJson, deleteAtPointer, digest, getAtPointer, setAtPointer, type JsonObject } from '../src/json.js';

// Keys chosen by users or the server may be members of Object.prototype (issue 11, item 1).
describe('JSON helpers with keys named like Object.prototype members', () => {
  const parsed = (): JsonObject => JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}') as JsonObject;

  it('keeps a `__proto__` key in canonical JSON and digests', () => {
    expect(canonicalJson(parsed())).toBe('{"__proto__":{"x":1},"constructor":2}');
    expect(digest(parsed())).not.toBe(digest({ constructor: 2 }));
  });

  it('finds only keys the object holds itself', () => {
    expect(getAtPointer({}, '/constructor')).toBeUndefined();
    expect(getAtPointer({}, '/toString')).toBeUndefined();
    expect(getAtPointer(parsed(), '/__proto__/x')).toBe(1);
    expect(deleteAtPointer({}, '/hasOwnProperty')).toBe(false);
  });

  it('sets such a key as an own key, without touching any prototype', () => {
    const target: JsonObject = {};
    setAtPointer(target, '/__proto__/polluted', true);
    setAtPointer(target, '/valueOf', 'v');
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true},"valueOf":"v"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
  });
});

import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from '../../src/manifest/suggest.js';

describe('did-you-mean', () => {
  it.each([
    { input: 'mock_tool', candidates: ['mock_tools', 'mock_tools_enabled'], expected: 'mock_tools' },
    { input: 'mpc', candidates: ['direct', 'mcp'], expected: 'mcp' },
    { input: 'EN', candidates: ['en', 'de'], expected: 'en' },
    { input: 'descripton', candidates: ['name', 'description'], expected: 'description' },
    { input: 'xx', candidates: ['en', 'de'], expected: undefined },
    { input: 'telegram', candidates: ['retell', 'vapi'], expected: undefined },
  ])('$input → $expected', ({ input, candidates, expected }) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });

  it('phrases the hint', () => {
    expect(didYouMean('vapy', ['vapi', 'retell'])).toBe('did you mean `vapi`?');
    expect(didYouMean('zzz', ['vapi'])).toBeUndefined();
  });
});

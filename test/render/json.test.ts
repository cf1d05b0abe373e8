import { describe, expect, it } from 'vitest';
import { renderApplyResultJson, renderPlanJson } from '../../src/render/json.js';
import { applyResultWithFailures } from './apply-results.js';
import { createWithTools } from './scenarios.js';

describe('renderPlanJson', () => {
  it('prints the plan as it is, two-space indented, with a trailing newline', async () => {
    const json = renderPlanJson(createWithTools);
    expect(JSON.parse(json)).toEqual(createWithTools);
    expect(json.endsWith('}\n')).toBe(true);
    await expect(json).toMatchFileSnapshot('golden/create-with-tools.json');
  });
});

describe('renderApplyResultJson', () => {
  it('prints the apply result as it is', async () => {
    const json = renderApplyResultJson(applyResultWithFailures);
    expect(JSON.parse(json)).toEqual(applyResultWithFailures);
    await expect(json).toMatchFileSnapshot('golden/apply-result-with-failures.json');
  });
});

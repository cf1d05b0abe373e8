import { describe, expect, it } from 'vitest';
import { renderApplyResultJson, renderPlanJson } from '../../src/render/json.js';
import { applyResultWithFailures } from './apply-results.js';
import { createWithTools, mockModeByPatch } from './scenarios.js';

describe('renderPlanJson', () => {
  it('prints the plan as it is, two-space indented, with a trailing newline', async () => {
    const json = renderPlanJson(createWithTools);
    expect(JSON.parse(json)).toEqual(createWithTools);
    expect(json.endsWith('}\n')).toBe(true);
    await expect(json).toMatchFileSnapshot('golden/create-with-tools.json');
  });

  it('says which way each mock-mode change goes, and the write that carries it', async () => {
    const json = renderPlanJson(mockModeByPatch);
    const parsed = JSON.parse(json);
    expect(parsed.mock_mode_changes.map((change: { via: string }) => change.via)).toEqual(['patch', 'patch']);
    expect(parsed.resource_changes[1].request.body).toMatchObject({ mock_tools_enabled: true });
    expect(parsed.resource_changes[0]).not.toHaveProperty('request');
    await expect(json).toMatchFileSnapshot('golden/mock-mode-by-patch.json');
  });
});

describe('renderApplyResultJson', () => {
  it('prints the apply result as it is', async () => {
    const json = renderApplyResultJson(applyResultWithFailures);
    expect(JSON.parse(json)).toEqual(applyResultWithFailures);
    await expect(json).toMatchFileSnapshot('golden/apply-result-with-failures.json');
  });
});

import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../src/render/text.js';
import { createStyle } from '../../src/render/style.js';
import { plan } from './builders.js';
import { planScenarios } from './scenarios.js';

const plain = createStyle(false);

describe('renderPlanText', () => {
  it.each(Object.entries(planScenarios))('%s', async (name, plan) => {
    await expect(renderPlanText(plan, plain)).toMatchFileSnapshot(`golden/${name}.txt`);
  });

  it('never prints a sensitive value', () => {
    const text = renderPlanText(planScenarios['secret-rotation']!, plain);
    expect(text).toContain('provider.credentials.api_key: (sensitive value)');
    expect(text).not.toContain('"(sensitive value)"');
  });

  it('ends with exactly the summary line', () => {
    expect(renderPlanText(planScenarios['create-with-tools']!, plain).trimEnd().split('\n').at(-1)).toBe(
      'Plan: 1 to add, 0 to change, 0 to destroy; 1 mock-mode change.',
    );
    expect(renderPlanText(planScenarios['no-changes']!, plain).trimEnd().split('\n').at(-1)).toBe('No changes.');
  });

  it('names no project when the manifest has no agents, instead of an empty list', () => {
    const empty = plan({});
    const text = renderPlanText({ ...empty, created_from: { ...empty.created_from, projects: [] } }, plain);
    expect(text).toContain('Target: https://api.cekura.ai (the default API');
    expect(text).toMatch(/; no project: the manifest has no agents\n/);
  });

  it('colours the words a word diff deletes and adds', () => {
    const coloured = renderPlanText(planScenarios['long-values']!, createStyle(true));
    expect(coloured).toContain(`${createStyle(true).remove('[-100-]')}${createStyle(true).add('{+500+}')}`);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderPlanText(planScenarios['long-values']!, plain));
  });

  it('colours markers only when the style is enabled', () => {
    const coloured = renderPlanText(planScenarios['update-with-items']!, createStyle(true));
    expect(coloured).toMatch(/\u001b\[/);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderPlanText(planScenarios['update-with-items']!, plain));
  });
});

import { describe, expect, it } from 'vitest';
import { renderApplyResultText } from '../../src/render/apply-result.js';
import { createStyle } from '../../src/render/style.js';
import { applyResultClean, applyResultWithFailures } from './apply-results.js';

const plain = createStyle(false);

describe('renderApplyResultText', () => {
  it('lists failures with their fields, MCP endpoints, skipped agents, the backup and the interruption', async () => {
    const text = renderApplyResultText(applyResultWithFailures, plain);
    expect(text).toContain(
      'Apply complete: 1 added, 0 changed, 0 destroyed; 1 mock-mode change.\nApply failed for 2 agent(s).\n',
    );
    await expect(text).toMatchFileSnapshot('golden/apply-result-with-failures.txt');
  });

  it('ends with the summary line alone when everything applied', async () => {
    const text = renderApplyResultText(applyResultClean, plain);
    expect(text.trimEnd().split('\n')).toEqual([
      'Apply complete: 1 added, 1 changed, 1 destroyed; 1 mock-mode change.',
    ]);
    await expect(text).toMatchFileSnapshot('golden/apply-result-clean.txt');
  });
});

import { describe, expect, it } from 'vitest';
import { renderApplyResultText } from '../../src/render/apply-result.js';
import { createStyle } from '../../src/render/style.js';
import { applyResultClean, applyResultWithFailures } from './apply-results.js';

const plain = createStyle(false);

describe('renderApplyResultText', () => {
  it('lists failures with their fields, MCP endpoints, skipped agents, the backup and the interruption', async () => {
    const text = renderApplyResultText(applyResultWithFailures, plain);
    expect(text).not.toContain('Apply complete');
    expect(text.trimEnd().split('\n').slice(-5)).toEqual([
      'Apply failed: 2 agents failed, 1 not started (interrupted).',
      'Done: 1 added, 0 changed, 0 destroyed; 1 mock-mode change — agent.support-bot (create, mock mode).',
      'Not done: agent.billing-bot (update failed), agent.custom-bot (mock-mode toggle failed), agent.returns-bot (create, not started).',
      'Interrupted: agents not yet started were left as they are.',
      'Run apply again to finish; what was done is in the state record.',
    ]);
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

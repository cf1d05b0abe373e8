import { describe, expect, it } from 'vitest';
import { digest } from '../../src/json.js';
import { plan } from '../../src/plan/plan.js';
import type { PlanOptions } from '../../src/plan/types.js';
import { agent, live, manifest, record, tool, tools, wireAgent, wireTool } from './builders.js';

// Issue 11, item 1: keys that users choose (tool names, keys inside mock data and provider config)
// may be members of Object.prototype; the differ must see only what each side holds itself.

const options: PlanOptions = { prune: false, delete_related: false, mock_mode_via: 'toggle' };
const bound = record({ 'agent.bot': { id: 7 } });

function planWith(output: Record<string, unknown>, liveOutput: Record<string, unknown>) {
  const desired = agent('bot', {
    mock_tools: tools(tool('lookup', { mock_data: [{ input: { id: 1 }, output: output as never }] })),
  });
  const current = wireAgent(7, {
    name: 'bot',
    mock_tools: [wireTool(11, 'lookup', { mock_data: [{ input: { id: 1 }, output: liveOutput as never }] })],
  });
  return plan(manifest([desired]), live(current), bound, options).resource_changes[0]!;
}

describe('keys named like Object.prototype members inside items', () => {
  it('sees a mock data output key `constructor` added', () => {
    const change = planWith({ constructor: 'x' }, {});
    expect(change.items[0]!.rows[0]!.fields).toEqual([
      { op: 'add', path: '/output/constructor', value: 'x', origin: 'manifest' },
    ]);
  });

  it('sees a mock data output key `toString` removed', () => {
    const change = planWith({}, { toString: 'y' });
    expect(change.items[0]!.rows[0]!.fields).toEqual([
      { op: 'remove', path: '/output/toString', before: 'y', origin: 'manifest' },
    ]);
  });

  it('plans no change for equal outputs holding such keys', () => {
    expect(planWith({ valueOf: 1, hasOwnProperty: 2 }, { hasOwnProperty: 2, valueOf: 1 }).action).toBe('no-op');
  });
});

describe('items named like Object.prototype members', () => {
  it('gives a tool that appeared in Cekura the drift origin, whatever its name', () => {
    const originOfExtraTool = (extra: string) => {
      const desired = agent('bot', { mock_tools: tools(tool('lookup')) });
      const current = wireAgent(7, { name: 'bot', mock_tools: [wireTool(11, 'lookup'), wireTool(12, extra)] });
      const applied = record({ 'agent.bot': { id: 7, applied: { '/name': digest('bot') } } });
      const change = plan(manifest([desired]), live(current), applied, options).resource_changes[0]!;
      return change.items.map((item) => [item.name, item.action, item.origin]);
    };
    expect(originOfExtraTool('extra')).toEqual([['extra', 'delete', 'drift']]);
    expect(originOfExtraTool('toString')).toEqual([['toString', 'delete', 'drift']]);
  });
});

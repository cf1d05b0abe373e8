import { describe, expect, it } from 'vitest';
import { CekuraformError } from '../../src/errors.js';
import { plan } from '../../src/plan/plan.js';
import { parseSavedPlan, savedPlanText } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { planScenarios } from '../render/scenarios.js';
import {
  agent,
  FINGERPRINT_KEYS,
  live,
  manifest,
  record,
  secret,
  tool,
  tools,
  variables,
  wireAgent,
  wireTool,
} from './builders.js';

// A saved plan is `plan --out`'s JSON; apply reads it back with parseSavedPlan.

/** As `plan --out` writes it: the plan and its digest. */
function saved(value: unknown): string {
  return savedPlanText(value as Plan, FINGERPRINT_KEYS);
}

/** A plan with a create and an update carrying every kind of field, item and insert. */
function richPlan(): Plan {
  const desired = [
    agent(
      'support',
      {
        name: 'Support Bot',
        description: 'Handles {{customer_name}}',
        language: 'en',
        telephony: { phone_number: '+14155551234' },
        provider: { type: 'vapi', agent_id: 'asst_1', credentials: {} },
        mock_tools: tools(
          tool('get_order', { mock_data: [{ input: { id: 'A1' }, output: { s: 'shipped' } }] }),
          tool('crm', { served_via: { type: 'mcp', mock_index: 1 } }),
        ),
        dynamic_variables: variables(['customer_name', 'Caller name']),
      },
      {
        secrets: [secret('/provider/credentials/api_key', 'VAPI_API_KEY', 'sk_live_distinctive')],
        mock_tools_enabled: true,
      },
    ),
    agent('booking', { name: 'Booking', description: 'new words', mock_tools: tools() }),
  ];
  const liveState = live(
    wireAgent(7, { name: 'Booking', description: 'old words', mock_tools: [wireTool(70, 'stale_tool')] }),
  );
  return plan(
    manifest(desired),
    liveState,
    record(),
    { prune: false, delete_related: false, max_deletes: 3, mock_mode_via: 'patch' },
    undefined,
    FINGERPRINT_KEYS,
  );
}

describe('parseSavedPlan', () => {
  it.each(Object.entries({ ...planScenarios, rich: richPlan() }))(
    'reads back the plan %s as it was saved',
    (_, value) => {
      expect(parseSavedPlan(saved(value), 'plan.json').plan).toEqual(value);
    },
  );

  it.each([
    ['a field the Plan type does not have', (value: Plan) => ({ ...value, extra: true }), /Unrecognized key: "extra"/],
    [
      'a resource change with a wrong action',
      (value: Plan) => ({ ...value, resource_changes: [{ ...value.resource_changes[0], action: 'replace' }] }),
      /resource_changes\.0\.action/,
    ],
    [
      'a desired document with a field of the wrong type',
      (value: Plan) => ({
        ...value,
        resource_changes: value.resource_changes.map((change) =>
          change.action === 'create' ? { ...change, desired: { ...change.desired, webhook_url: 42 } } : change,
        ),
      }),
      /desired\.webhook_url/,
    ],
  ])('refuses %s as plan_invalid, naming where', (_, edit, message) => {
    const thrown = (() => {
      try {
        parseSavedPlan(saved(edit(richPlan())), 'plan.json');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(CekuraformError);
    expect(thrown).toMatchObject({ code: 'plan_invalid', message: expect.stringMatching(message) });
  });
});

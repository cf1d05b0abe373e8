import { renderApplyResultText } from '../../src/render/apply-result.js';
import { createStyle } from '../../src/render/style.js';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CekuraformError } from '../../src/errors.js';
import { fingerprintSecret } from '../../src/state/fingerprint.js';
import { bodyOf, createChange, envInsert, setUp, updateChange, visibleOutput, type Harness } from './harness.js';
import { deleted, plan, unchanged } from '../render/builders.js';

let h: Harness;
beforeEach(async () => {
  h = await setUp();
});
afterEach(async () => {
  await h.cleanup();
});

const SECRET = 'sk-live-0123456789';
const vapi = { type: 'vapi', agent_id: 'asst_abc123' };

describe('update', () => {
  it('sends exactly the plan body with the secret inserted, and the secret shows up nowhere else', async () => {
    const live = h.api.seed({ name: 'Support Bot', project: 42, description: 'old', provider: vapi });
    const key = h.fingerprintKeys;
    const change = updateChange(
      'support',
      live.id,
      { name: 'Support Bot', description: 'new', provider: vapi },
      {
        inserts: [envInsert('/provider/credentials/api_key', 'VAPI_API_KEY', SECRET, key)],
      },
    );
    h.env.VAPI_API_KEY = SECRET;

    const result = await h.apply(plan({ resource_changes: [change] }));

    expect(h.api.requests).toEqual([
      {
        operation: 'updateAgent',
        id: live.id,
        body: {
          ...bodyOf({ name: 'Support Bot', description: 'new' }),
          provider: { ...vapi, credentials: { api_key: SECRET } },
        },
      },
    ]);
    expect(result.outcomes[0]).toMatchObject({ status: 'applied', action: 'update', id: live.id });
    expect(h.records.current().agents['agent.support']?.secrets).toEqual({
      '/provider/credentials/api_key': fingerprintSecret(key, SECRET),
    });
    expect(await visibleOutput(h, result)).not.toContain(SECRET);
  });

  it.each([
    {
      name: 'changed since the plan',
      value: 'sk-rotated-after-the-plan',
      expected: 'VAPI_API_KEY changed since the plan was made',
    },
    { name: 'unset', value: undefined, expected: 'VAPI_API_KEY is not set' },
  ])('fails only that agent when the env secret is $name, sending nothing for it', async ({ value, expected }) => {
    const stale = h.api.seed({ name: 'Support Bot', project: 42, description: 'old', provider: vapi });
    const other = h.api.seed({ name: 'Sales Bot', project: 42, description: 'old' });
    const key = h.fingerprintKeys;
    h.env.VAPI_API_KEY = value;

    const result = await h.apply(
      plan({
        resource_changes: [
          updateChange(
            'support',
            stale.id,
            { name: 'Support Bot', description: 'new', provider: vapi },
            {
              inserts: [envInsert('/provider/credentials/api_key', 'VAPI_API_KEY', SECRET, key)],
            },
          ),
          updateChange('sales', other.id, { name: 'Sales Bot', description: 'new' }),
        ],
      }),
    );

    expect(h.api.requests.map((request) => request.id)).toEqual([other.id]);
    expect(result.outcomes.map((outcome) => [outcome.address, outcome.status])).toEqual([
      ['agent.sales', 'applied'],
      ['agent.support', 'failed'],
    ]);
    expect(result.outcomes[1]!.error).toMatchObject({ operation: 'update', code: 'plan_stale' });
    expect(result.outcomes[1]!.error!.message).toContain(expected);
    expect(result.outcomes[1]!.error!.hint).toBe('run `cekuraform plan` again and apply the new plan');
    expect(await visibleOutput(h, result)).not.toContain(SECRET);
  });

  it('keeps the hint of a failed write apart from its message, and prints it', async () => {
    const live = h.api.seed({ name: 'Support Bot', project: 42 });
    const hint = 'check that CEKURA_API_KEY holds a valid key for this organisation';
    h.api.failNext('updateAgent', { kind: 'unauthorized', hint });

    const result = await h.apply(
      plan({ resource_changes: [updateChange('support', live.id, { name: 'Support Bot', description: 'new' })] }),
    );

    expect(result.outcomes[0]!.error).toMatchObject({ operation: 'update', code: 'api_unauthorized', hint });
    expect(result.outcomes[0]!.error!.message).not.toContain(hint);
    expect(renderApplyResultText(result, createStyle(false))).toContain(`      hint: ${hint}`);
  });

  it('scrubs an inserted secret that the server echoes in a field error', async () => {
    const live = h.api.seed({ name: 'Support Bot', project: 42, provider: vapi });
    const key = h.fingerprintKeys;
    h.env.VAPI_API_KEY = SECRET;
    h.api.failNext('updateAgent', {
      kind: 'validation',
      fieldErrors: { provider: { credentials: { api_key: [`Key ${SECRET} is not valid for vapi.`] } } },
    });

    const result = await h.apply(
      plan({
        resource_changes: [
          updateChange(
            'support',
            live.id,
            { name: 'Support Bot', provider: vapi },
            {
              inserts: [envInsert('/provider/credentials/api_key', 'VAPI_API_KEY', SECRET, key)],
            },
          ),
        ],
      }),
    );

    expect(result.outcomes[0]!.error).toEqual({
      operation: 'update',
      code: 'api_validation',
      message:
        'Cekura rejected the update: /provider/credentials/api_key: Key (sensitive value) is not valid for vapi.',
      paths: ['/provider/credentials/api_key'],
    });
    expect(await visibleOutput(h, result)).not.toContain(SECRET);
  });

  it('fails naming the paths when the response differs from the plan, and keeps the id recorded', async () => {
    h.api.alterResponse = (agent) => {
      agent.description = 'Rewritten by the provider';
    };

    const result = await h.apply(
      plan({ resource_changes: [createChange('support', { name: 'Support Bot', description: 'Handles calls' })] }),
    );

    const [created] = await h.api.findAgentsByName(42, 'Support Bot');
    expect(result.outcomes[0]).toEqual({
      address: 'agent.support',
      action: 'create',
      id: created!.id,
      status: 'failed',
      toggled: false,
      error: {
        operation: 'read_back',
        code: 'read_back_mismatch',
        message: "the agent was written, but Cekura's response differs from the plan at /description",
        paths: ['/description'],
      },
    });
    expect(result.summary).toMatchObject({ added: 1, failed: 1 });
    expect(h.records.current().agents['agent.support']?.id).toBe(created!.id);
  });

  it('counts an update whose response differs as changed, and failed', async () => {
    const live = h.api.seed({ name: 'Support Bot', project: 42, description: 'old' });
    h.api.alterResponse = (agent) => {
      agent.mock_tools = [];
    };

    const result = await h.apply(
      plan({
        resource_changes: [
          updateChange('support', live.id, { name: 'Support Bot', description: 'new', tools: [{ name: 'get_order' }] }),
        ],
      }),
    );

    expect(result.outcomes[0]!.error).toMatchObject({ operation: 'read_back', paths: ['/mock_tools/get_order'] });
    expect(result.summary).toMatchObject({ changed: 1, failed: 1 });
  });
});

describe('file inserts', () => {
  const content = Buffer.from('Opening hours: 9 to 5');
  const sha256 = createHash('sha256').update(content).digest('hex');

  function uploadPlan() {
    const change = createChange('support', { name: 'Support Bot' });
    if (change.action !== 'create') throw new Error('a create');
    change.request.body.knowledge_base_files = [{ file_name: 'faq.txt' }];
    change.request.inserts = [
      { path: '/knowledge_base_files/0/content_base64', source: 'file', file: '/docs/faq.txt', sha256 },
    ];
    change.desired.knowledge_base_files = {
      'faq.txt': { file_name: 'faq.txt', file_size: content.length, content_sha256: sha256 },
    };
    return plan({ resource_changes: [change] });
  }

  it("puts the file's content, base64, at the insert's path", async () => {
    h.files.set('/docs/faq.txt', content);

    const result = await h.apply(uploadPlan());

    expect(h.api.requests[0]!.body!.knowledge_base_files).toEqual([
      { file_name: 'faq.txt', content_base64: content.toString('base64') },
    ]);
    expect(result.outcomes[0]).toMatchObject({ status: 'applied' });
  });

  it('fails the agent when the file changed since the plan', async () => {
    h.files.set('/docs/faq.txt', Buffer.from('Opening hours: 8 to 6'));

    const result = await h.apply(uploadPlan());

    expect(h.api.requests).toEqual([]);
    expect(result.outcomes[0]!.error).toMatchObject({ operation: 'create', code: 'plan_stale' });
    expect(result.outcomes[0]!.error!.message).toContain('/docs/faq.txt changed since the plan was made');
  });
});

describe('delete and no-op', () => {
  it('deletes with delete_related false and drops the binding', async () => {
    const live = h.api.seed({ name: 'Old Bot', project: 42 });
    await h.records.update((record) => {
      record.agents['agent.old'] = { id: live.id, project: 42, secrets: {}, applied: {} };
    });

    const result = await h.apply(plan({ resource_changes: [deleted('agent.old', live.id, 'Old Bot', false)] }));

    expect(h.api.requests).toEqual([{ operation: 'deleteAgent', id: live.id, deleteRelated: false }]);
    expect(h.api.agent(live.id)).toBeUndefined();
    expect((await h.reopen()).current().agents).toEqual({});
    expect(result.outcomes[0]).toMatchObject({ status: 'applied', action: 'delete', id: live.id });
    expect(result.summary).toMatchObject({ destroyed: 1 });
  });

  it('counts an agent that is already gone as deleted', async () => {
    const result = await h.apply(plan({ resource_changes: [deleted('agent[7]', 7, 'Gone Bot')] }));

    expect(result.outcomes[0]).toMatchObject({ status: 'applied', action: 'delete' });
  });

  it('stores the no-op binding only when the record differs, and sends nothing', async () => {
    const live = h.api.seed({ name: 'Support Bot', project: 42 });
    const record = { secrets: {}, applied: { '/name': 'digest-of-name' } };
    const noOp = plan({ resource_changes: [unchanged('support', live.id, { name: 'Support Bot', record })] });

    await h.apply(noOp);
    const serialAfterFirst = h.records.current().serial;
    const second = await h.apply(noOp);

    expect(h.api.requests).toEqual([]);
    expect(h.records.current().agents['agent.support']).toEqual({
      id: live.id,
      project: 42,
      secrets: {},
      applied: { '/name': 'digest-of-name' },
    });
    expect(h.records.current().serial).toBe(serialAfterFirst);
    expect(second.outcomes[0]).toMatchObject({ status: 'applied', action: 'no-op' });
    expect(second.summary).toEqual({ added: 0, changed: 0, destroyed: 0, mock_mode_toggles: 0, failed: 0, skipped: 0 });
  });
});

describe('max-deletes', () => {
  function deletingPlan(liveId: number, otherId: number) {
    return plan({
      resource_changes: [
        deleted('agent.old', liveId, 'Old Bot'),
        updateChange(
          'support',
          otherId,
          { name: 'Support Bot' },
          { items: [{ set: 'mock_tools', name: 'get_order', action: 'delete', id: 1001, fields: [], rows: [] }] },
        ),
      ],
    });
  }

  it('refuses a plan with more deletes than allowed, sending nothing', async () => {
    const old = h.api.seed({ name: 'Old Bot', project: 42 });
    const support = h.api.seed({ name: 'Support Bot', project: 42 });

    const refusal = await h
      .apply(deletingPlan(old.id, support.id), { maxDeletes: 1, backup: { dir: h.dir + '/backups' } })
      .catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(CekuraformError);
    expect(refusal).toMatchObject({
      code: 'max_deletes_exceeded',
      meta: { deletes: ['agent.old', 'agent.support mock_tools/get_order'], max_deletes: 1 },
    });
    expect(h.api.requests).toEqual([]);
    expect(h.events).toEqual([]);
  });

  it('applies when the deletes are within the limit', async () => {
    const old = h.api.seed({ name: 'Old Bot', project: 42 });
    const support = h.api.seed({ name: 'Support Bot', project: 42 });

    const result = await h.apply(deletingPlan(old.id, support.id), { maxDeletes: 2 });

    expect(result.summary).toMatchObject({ changed: 1, destroyed: 1, failed: 0 });
  });
});

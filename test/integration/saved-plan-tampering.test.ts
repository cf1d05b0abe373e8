import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { savedPlanText } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { fingerprintKeysOf } from '../../src/state/fingerprint.js';
import { EXAMPLES_MANIFEST, startScenario, type Scenario } from './harness.js';

// A saved plan is applied without the manifest, so apply must not trust it blindly: each case here
// is a hand-made plan that once deleted, duplicated or polluted something. Nothing may be sent.

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
});
afterEach(() => scenario.close());

/** A saved plan of a rename of the example's booking agent (one update), after the example was applied. */
async function savedUpdate(): Promise<Plan> {
  expect((await scenario.apply()).code).toBe(0);
  const manifest = await readFile(join(scenario.dir, 'agents.yaml'), 'utf8');
  await scenario.write('agents.yaml', manifest.replace('Schedules appointments', 'Books appointments'));
  expect((await scenario.plan('--out', 'reviewed.plan')).code).toBe(0);
  return JSON.parse(await readFile(join(scenario.dir, 'reviewed.plan'), 'utf8')) as Plan;
}

/** Writes `plan` as `plan --out` would, with a valid digest: the attacker knows the key, so only validation stops it. */
async function writeSigned(plan: Plan): Promise<void> {
  const { plan_digest: _, ...content } = plan as Plan & { plan_digest?: string };
  const keys = fingerprintKeysOf(scenario.env, { lineage: plan.created_from.state_lineage });
  await writeFile(join(scenario.dir, 'reviewed.plan'), savedPlanText(content, keys));
}

async function applyRefused(expected: RegExp): Promise<void> {
  scenario.emulator.clearRequests();
  const result = await scenario.run(['apply', '--no-color', 'reviewed.plan']);
  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stderr).toMatch(expected);
  expect(result.stderr).not.toContain('this is a bug');
  expect(scenario.writes()).toEqual([]);
}

describe('the digest binds a saved plan to its content', () => {
  it('refuses a plan edited after it was saved', async () => {
    await savedUpdate();
    const text = await readFile(join(scenario.dir, 'reviewed.plan'), 'utf8');
    await writeFile(join(scenario.dir, 'reviewed.plan'), text.replace('Books appointments', 'Deletes appointments'));

    await applyRefused(/error: reviewed\.plan was changed after it was saved/);
    expect(scenario.agentNamed('Retell Booking Agent').description).toBe('Schedules appointments');
  });

  it('refuses a plan re-signed without the key (another CEKURA_API_KEY)', async () => {
    const plan = await savedUpdate();
    const keys = fingerprintKeysOf({ CEKURA_API_KEY: 'guessed' }, { lineage: plan.created_from.state_lineage });
    const { plan_digest: _, ...content } = plan as Plan & { plan_digest?: string };
    await writeFile(join(scenario.dir, 'reviewed.plan'), savedPlanText(content, keys));

    await applyRefused(/its plan_digest does not match/);
  });

  it('refuses a plan without a digest', async () => {
    const plan = await savedUpdate();
    const { plan_digest: _, ...content } = plan as Plan & { plan_digest?: string };
    await writeFile(join(scenario.dir, 'reviewed.plan'), JSON.stringify(content));

    await applyRefused(/has no plan_digest/);
  });
});

describe('a saved plan must be consistent, whatever its digest', () => {
  /** A delete of agent `id`, shaped as the plan's own changes are. */
  function deleteOf(plan: Plan, id: number, project: number): Plan['resource_changes'][number] {
    const update = plan.resource_changes.find((change) => change.action === 'update')!;
    const {
      desired: _desired,
      record: _record,
      request: _request,
      ...common
    } = update as Extract<Plan['resource_changes'][number], { action: 'update' }>;
    return {
      ...common,
      address: 'agent.intruder',
      action: 'delete',
      id,
      project,
      fields: [],
      items: [],
      changes: [],
      request: { method: 'DELETE', delete_related: true },
    };
  }

  it('refuses a delete of an agent in a project the plan did not read', async () => {
    const plan = await savedUpdate();
    const other = await scenario.createDirectly({ name: 'Other Project Bot', project: 77 });
    plan.resource_changes.push(deleteOf(plan, other.id, 77));
    plan.summary.destroy += 1;
    await writeSigned(plan);

    await applyRefused(/agent\.intruder is in project 77, which the plan did not read/);
    expect(scenario.emulator.agents().some((agent) => agent.id === other.id)).toBe(true);
  });

  it('refuses a change claiming an agent of another project is in a read one', async () => {
    const plan = await savedUpdate();
    const other = await scenario.createDirectly({ name: 'Other Project Bot', project: 77 });
    plan.resource_changes.push(deleteOf(plan, other.id, 42));
    plan.summary.destroy += 1;
    await writeSigned(plan);

    await applyRefused(/agent\.intruder: agent \d+ is not in project 42 in Cekura/);
  });

  it('refuses one change given twice (an agent created twice)', async () => {
    const plan = await savedUpdate();
    plan.resource_changes.push(structuredClone(plan.resource_changes.find((change) => change.action === 'update')!));
    plan.summary.change += 1;
    await writeSigned(plan);

    await applyRefused(/agent\.[a-z-]+ has more than one change/);
  });

  it('refuses a summary that does not count the changes ("No changes." and then writes)', async () => {
    const plan = await savedUpdate();
    plan.summary = { ...plan.summary, add: 0, change: 0, destroy: 0, mock_mode_toggles: 0 };
    await writeSigned(plan);

    await applyRefused(/its summary .* does not count its changes/);
  });

  it.each([
    { where: 'an insert path', path: '/__proto__/polluted', expected: /is not a secret field/ },
    { where: 'a constructor insert path', path: '/constructor/prototype/polluted', expected: /is not a secret field/ },
  ])('refuses $where that is not a secret field, and Object.prototype stays clean', async ({ path, expected }) => {
    const plan = await savedUpdate();
    const change = plan.resource_changes.find((candidate) => candidate.action === 'update')!;
    if (change.action !== 'update') throw new Error('expected an update');
    change.request.inserts.push({ path, source: 'env', env: 'VAPI_API_KEY', fingerprint: 'x' });
    await writeSigned(plan);

    await applyRefused(expected);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a __proto__ key anywhere', async () => {
    const plan = await savedUpdate();
    await writeSigned(plan);
    const text = await readFile(join(scenario.dir, 'reviewed.plan'), 'utf8');
    await writeFile(
      join(scenario.dir, 'reviewed.plan'),
      text.replace('"body": {', '"body": { "__proto__": { "polluted": true },'),
    );

    await applyRefused(/the key "__proto__" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a plan file that cannot be read is a user error', () => {
  it.each([
    { name: 'missing', make: async () => {}, expected: 'there is no such file' },
    { name: 'a folder', make: () => mkdir(join(scenario.dir, 'reviewed.plan')), expected: 'it is a folder' },
  ])('$name', async ({ make, expected }) => {
    await make();

    const result = await scenario.run(['apply', '--no-color', 'reviewed.plan']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot read the saved plan reviewed.plan: ${expected}\nhint: give the file \`cekuraform plan --out FILE\` wrote\n`,
    );
  });
});

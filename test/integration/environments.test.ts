import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { WireAgent } from '../../src/api/types.js';
import type { StateRecord } from '../../src/state/types.js';
import { SECRETS, startScenario, type RunResult, type Scenario } from './harness.js';

// examples/environments/agents.yaml as a new user runs it: apply in staging, preview the promotion
// with `plan --env production`, apply in production; each environment in its own project and record.

const MANIFEST = fileURLToPath(new URL('../../examples/environments/agents.yaml', import.meta.url));
const PROJECTS = { staging: 42, production: 43 } as const;
type Environment = keyof typeof PROJECTS;
/** Each environment's runs get its own provider key, as its CI job would. */
const VAPI_API_KEYS: Record<Environment, string> = {
  staging: SECRETS.VAPI_API_KEY,
  production: 'vapi-production-5d1e7b20-LEAKCHECK',
};
const NO_ENV_ERROR =
  'error: the manifest declares environments production, staging: choose one with --env NAME\nhint: for example `--env production`\n';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await copyFile(MANIFEST, join(scenario.dir, 'agents.yaml'));
});
afterEach(() => scenario.close());

function run(environment: Environment, argv: string[]): Promise<RunResult> {
  return scenario.run([...argv, '--no-color', '--env', environment], {
    env: { VAPI_API_KEY: VAPI_API_KEYS[environment] },
  });
}

/** The agents the emulator holds in the environment's project, by name. */
function agentsOf(environment: Environment): Record<string, WireAgent> {
  return Object.fromEntries(
    scenario.emulator
      .agents()
      .filter((agent) => agent.project === PROJECTS[environment])
      .map((agent) => [agent.name, agent]),
  );
}

async function stateFiles(): Promise<string[]> {
  return (await readdir(join(scenario.dir, '.cekuraform')).catch(() => [] as string[]))
    .filter((file) => file.endsWith('.state.json'))
    .sort();
}

async function record(environment: Environment): Promise<StateRecord> {
  return JSON.parse(await readFile(join(scenario.dir, `.cekuraform/${environment}.state.json`), 'utf8')) as StateRecord;
}

/** Right after an apply: a plan of the environment is empty and sends only lists of its project. */
async function expectNoChanges(environment: Environment): Promise<void> {
  scenario.emulator.clearRequests();
  const result = await run(environment, ['plan', '--detailed-exitcode']);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe(
    `Plan for environment ${environment}\nTarget: ${scenario.emulator.url} (from CEKURA_API_URL); environment ${environment}; project ${PROJECTS[environment]}\n\nNo changes.\n`,
  );
  expect(result.code).toBe(0);
  expect(scenario.emulator.requests().map((request) => [request.kind, request.query.project_id])).toEqual([
    ['list', String(PROJECTS[environment])],
  ]);
}

it('applies staging, previews the promotion with plan --env production, applies production; both converge', async () => {
  const staging = await run('staging', ['apply', '--auto-approve']);

  expect(staging.code, staging.stdout + staging.stderr).toBe(0);
  expect(staging.stdout).toMatch(/^Plan for environment staging\n/);
  expect(staging.stdout).toContain('Apply complete: 2 added, 0 changed, 0 destroyed; 2 mock-mode changes.');
  expect(Object.keys(agentsOf('staging')).sort()).toEqual(['Booking Agent', 'Support Bot']);
  expect(scenario.emulator.agents()).toHaveLength(2);
  expect(await stateFiles()).toEqual(['staging.state.json']);
  expect(Object.values((await record('staging')).agents).map((agent) => agent.project)).toEqual([42, 42]);
  await expectNoChanges('staging');

  // The promotion preview: creates in project 43 with production's values, and only lists sent.
  scenario.emulator.clearRequests();
  const preview = await run('production', ['plan']);

  expect(preview.code, preview.stderr).toBe(0);
  expect(preview.stderr).toBe('');
  expect(preview.stdout).toMatch(/^Plan for environment production\n/);
  for (const line of [
    '+ agent.support-bot "Support Bot" (project 43)',
    '+ telephony.phone_number: "+14155551234"',
    '+ provider.agent_id: "asst_prod_support_41aa"',
    '+ provider.auto_import_calls: true',
    '+ agent.booking-agent "Booking Agent" (project 43)',
    '+ telephony.phone_number: "+14155559876"',
    '+ provider.agent_id: "asst_prod_booking_8e03"',
    'Plan: 2 to add, 0 to change, 0 to destroy; 0 mock-mode changes.',
  ]) {
    expect(preview.stdout).toContain(line);
  }
  expect(preview.stdout).not.toContain('mock mode:');
  expect(preview.stdout).not.toMatch(/staging|\+1415555010[01]/);
  expect(scenario.emulator.requests().map((request) => [request.kind, request.query.project_id])).toEqual([
    ['list', '43'],
  ]);
  expect(await stateFiles()).toEqual(['staging.state.json']);

  const production = await run('production', ['apply', '--auto-approve']);

  expect(production.code, production.stdout + production.stderr).toBe(0);
  expect(production.stdout).toContain('Apply complete: 2 added, 0 changed, 0 destroyed; 0 mock-mode changes.');
  expect(scenario.requestsOf('toggle')).toEqual([]);
  expect(await stateFiles()).toEqual(['production.state.json', 'staging.state.json']);
  expect(Object.values((await record('production')).agents).map((agent) => agent.project)).toEqual([43, 43]);
  await expectNoChanges('staging');
  await expectNoChanges('production');

  // What the emulator holds: the overridden fields differ, the rest is the same.
  const [inStaging, inProduction] = [agentsOf('staging'), agentsOf('production')];
  const fields = (agent: WireAgent) => ({
    phone_number: agent.telephony?.phone_number,
    agent_id: agent.provider?.agent_id,
    auto_import_calls: agent.provider?.auto_import_calls ?? null,
    mock_tools_enabled: agent.mock_tools_enabled,
    api_key: scenario.emulator.storedWriteOnly(agent.id)['/provider/credentials/api_key'],
  });
  expect(fields(inStaging['Support Bot']!)).toEqual({
    phone_number: '+14155550100',
    agent_id: 'asst_staging_support_7c1e',
    auto_import_calls: null,
    mock_tools_enabled: true,
    api_key: VAPI_API_KEYS.staging,
  });
  expect(fields(inProduction['Support Bot']!)).toEqual({
    phone_number: '+14155551234',
    agent_id: 'asst_prod_support_41aa',
    auto_import_calls: true,
    mock_tools_enabled: false,
    api_key: VAPI_API_KEYS.production,
  });
  expect(fields(inStaging['Booking Agent']!)).toMatchObject({
    phone_number: '+14155550101',
    agent_id: 'asst_staging_booking_2b9d',
    mock_tools_enabled: true,
  });
  expect(fields(inProduction['Booking Agent']!)).toMatchObject({
    phone_number: '+14155559876',
    agent_id: 'asst_prod_booking_8e03',
    mock_tools_enabled: false,
  });
  const shared = (agent: WireAgent) => ({
    description: agent.description,
    mock_tools: agent.mock_tools?.map((tool) => [tool.name, tool.mock_data]).sort(),
    dynamic_variables: agent.dynamic_variables?.map((variable) => variable.name).sort(),
  });
  for (const name of ['Support Bot', 'Booking Agent'])
    expect(shared(inProduction[name]!)).toEqual(shared(inStaging[name]!));
  expect(inProduction['Support Bot']!.description).toBe(
    'Handles inbound support calls for Acme Outfitters; greets {{customer_name}} by name',
  );

  const printed =
    scenario.outputs.join('\n') + (await readFile(join(scenario.dir, '.cekuraform/production.state.json'), 'utf8'));
  for (const key of Object.values(VAPI_API_KEYS)) expect(printed).not.toContain(key);
});

it.each([['plan'], ['apply', '--auto-approve'], ['validate']])(
  '`%s` without --env names the environments, exits 1 and sends nothing',
  async (...argv) => {
    const result = await scenario.run([...argv, '--no-color']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(NO_ENV_ERROR);
    expect(scenario.emulator.requests()).toEqual([]);
    expect(await stateFiles()).toEqual([]);
  },
);

it('a plan saved with --env production applies only to production', async () => {
  const saved = await run('production', ['plan', '--out', 'prod.plan']);
  expect(saved.code, saved.stderr).toBe(0);
  expect(saved.stdout).toMatch(/^Plan for environment production\n/);
  scenario.emulator.clearRequests();

  const refused = await run('staging', ['apply', 'prod.plan']);

  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr).toBe(
    'error: the plan was made for environment production, not for staging\nhint: make a plan for it with `cekuraform plan --env staging --out FILE`\n',
  );
  expect(scenario.emulator.requests()).toEqual([]);
  // `plan --out` keeps production's record (its fingerprint key); staging has none.
  expect(await stateFiles()).toEqual(['production.state.json']);

  const applied = await run('production', ['apply', 'prod.plan']);

  expect(applied.code, applied.stdout + applied.stderr).toBe(0);
  expect(Object.keys(agentsOf('production')).sort()).toEqual(['Booking Agent', 'Support Bot']);
  expect(agentsOf('staging')).toEqual({});
  expect(await stateFiles()).toEqual(['production.state.json']);
  await expectNoChanges('production');
});

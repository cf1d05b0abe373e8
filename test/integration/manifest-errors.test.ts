import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness.js';

const AGENT_HEAD = 'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n';

const INVALID_MANIFESTS = [
  {
    name: 'an unknown key (a typo of mock_tools)',
    manifest: AGENT_HEAD + '    mock_tool:\n      - name: lookup\n',
    stderr: [
      'error: agents.bot.mock_tool: unknown key `mock_tool`',
      '  at agents.yaml:6:5',
      'hint: did you mean `mock_tools`?',
      'manifest has 1 error; nothing was sent.',
    ],
    issue: { file: 'agents.yaml', line: 6, col: 5, path: 'agents.bot.mock_tool' },
  },
  {
    name: 'a mock_index below 1',
    manifest:
      AGENT_HEAD +
      '    mock_tools:\n      - name: lookup\n        description: CRM\n        mock_data: []\n        served_via: { type: mcp, mock_index: 0 }\n',
    stderr: [
      'error: agents.bot.mock_tools[0].served_via.mock_index: must be at least 1',
      '  at agents.yaml:10:46',
      'manifest has 1 error; nothing was sent.',
    ],
    issue: { file: 'agents.yaml', line: 10, col: 46, path: 'agents.bot.mock_tools[0].served_via.mock_index' },
  },
  {
    name: 'a quoted mock_index',
    manifest:
      AGENT_HEAD +
      '    mock_tools:\n      - name: lookup\n        description: CRM\n        mock_data: []\n        served_via: { type: mcp, mock_index: "1" }\n',
    stderr: [
      'error: agents.bot.mock_tools[0].served_via.mock_index: expected a number, got a string',
      '  at agents.yaml:10:46',
      'hint: remove the quotes',
      'manifest has 1 error; nothing was sent.',
    ],
    issue: { file: 'agents.yaml', line: 10, col: 46, path: 'agents.bot.mock_tools[0].served_via.mock_index' },
  },
  {
    name: 'a secret from an unset environment variable',
    manifest:
      AGENT_HEAD + '    provider:\n      type: vapi\n      credentials:\n        api_key: ${env:NOT_SET_ANYWHERE}\n',
    stderr: [
      'error: agents.bot.provider.credentials.api_key: environment variable NOT_SET_ANYWHERE is not set',
      '  at agents.yaml:9:18',
      'hint: set NOT_SET_ANYWHERE before running cekuraform',
      'manifest has 1 error; nothing was sent.',
    ],
    issue: { file: 'agents.yaml', line: 9, col: 18, path: 'agents.bot.provider.credentials.api_key' },
  },
  {
    name: 'a literal secret',
    manifest:
      AGENT_HEAD + '    provider:\n      type: vapi\n      credentials:\n        api_key: sk-literal-value-123\n',
    stderr: [
      'error: agents.bot.provider.credentials.api_key: `api_key` is a secret and must be exactly `${env:NAME}`: secrets do not belong in Git',
      '  at agents.yaml:9:18',
      'hint: write `api_key: ${env:BOT_API_KEY}` and set BOT_API_KEY in the environment',
      'manifest has 1 error; nothing was sent.',
    ],
    issue: { file: 'agents.yaml', line: 9, col: 18, path: 'agents.bot.provider.credentials.api_key' },
  },
];

describe.each(INVALID_MANIFESTS)('a manifest with $name', ({ manifest, stderr, issue }) => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario();
    await scenario.write('agents.yaml', manifest);
  });
  afterEach(() => scenario.close());

  // --check-env: without it validate needs no secret values (tested below).
  it.each([['plan'], ['apply', '--auto-approve'], ['validate', '--check-env']])(
    'fails `%s` with the located issue and sends nothing',
    async (...argv) => {
      const result = await scenario.run([...argv, '--no-color']);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(stderr.join('\n') + '\n');
      expect(result.stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
      expect(result.stderr).not.toContain('sk-literal-value-123');
      expect(scenario.emulator.requests()).toEqual([]);
      expect(await scenario.state()).toBeNull();
    },
  );

  it('reports the issue as JSON under `plan --json`', async () => {
    const result = await scenario.run(['plan', '--json']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({
      status: 'error',
      error: { code: 'manifest_invalid', message: 'manifest has 1 error' },
    });
    expect(output.error.meta.issues).toEqual([expect.objectContaining(issue)]);
    expect(scenario.emulator.requests()).toEqual([]);
  });
});

describe('a file that is not a manifest (`-f /etc/shadow`)', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario();
    const lines = Array.from({ length: 25 }, (_, index) => `user${index}:$6$hashSECRET${index}:19000:0:99999:7:::`);
    await scenario.write('shadow', lines.join('\n') + '\n');
  });
  afterEach(() => scenario.close());

  it('locates each unknown key without echoing the lines, and caps the errors shown', async () => {
    const result = await scenario.run(['validate', '-f', 'shadow', '--no-color']);

    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('SECRET');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(20);
    expect(errors[0]).toBe('error: […]: unknown key (not a name, 38 characters)');
    expect(result.stderr).toContain('  at shadow:1:1\n');
    expect(result.stderr).toContain(
      '… and 5 more in shadow (--json lists them all)\nmanifest has 25 errors; nothing was sent.\n',
    );
    expect(scenario.emulator.requests()).toEqual([]);

    const json = await scenario.run(['validate', '-f', 'shadow', '--json']);
    expect(json.stdout).not.toContain('SECRET');
    expect(JSON.parse(json.stdout).error.meta.issues).toHaveLength(25);
  });
});

describe('an agent to create without a description', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario();
    await scenario.write('agents.yaml', 'project: 42\nagents:\n  bot:\n    name: Bot\n');
  });
  afterEach(() => scenario.close());

  it('is refused at the place the agent is written', async () => {
    const result = await scenario.run(['plan', '--no-color']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: agent.bot does not exist yet, and Cekura needs a description to create it\n  at agents.yaml:3:3\n',
    );
    const json = JSON.parse((await scenario.run(['plan', '--json'])).stdout);
    expect(json.error).toMatchObject({
      code: 'create_incomplete',
      meta: { location: { file: 'agents.yaml', line: 3, col: 3 } },
    });
    expect(scenario.writes()).toEqual([]);
  });
});

describe('validate and secret values', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await startScenario({ env: { VAPI_API_KEY: undefined } });
    await scenario.write(
      'agents.yaml',
      'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n    provider:\n      type: vapi\n      credentials: { api_key: "${env:VAPI_API_KEY}" }\n',
    );
  });
  afterEach(() => scenario.close());

  it('needs no secret value: it checks that each secret is written as ${env:NAME}', async () => {
    const result = await scenario.run(['validate', '--no-color']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The manifest is valid: 1 agent in 1 file.\n');
  });

  it('--check-env also requires the values, as plan does', async () => {
    const checked = await scenario.run(['validate', '--check-env', '--no-color']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('VAPI_API_KEY');
    const plan = await scenario.plan('--no-color');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe(checked.stderr);
    expect(scenario.emulator.requests()).toEqual([]);
  });

  it('still refuses a secret written in the manifest', async () => {
    await scenario.write(
      'agents.yaml',
      'project: 42\nagents:\n  bot:\n    name: Bot\n    description: A bot\n    provider:\n      type: vapi\n      credentials: { api_key: sk-in-git }\n',
    );
    const result = await scenario.run(['validate', '--no-color']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('`api_key` is a secret and must be exactly `${env:NAME}`');
    expect(result.stderr).not.toContain('sk-in-git');
  });
});

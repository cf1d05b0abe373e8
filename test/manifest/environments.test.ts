import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import type { Manifest, ManifestAgent } from '../../src/manifest/types.js';
import { fixtureIssues, inTempDir, loadError, loadFixture } from './helpers.js';

// One manifest, resolved for the `--env` environment: fixtures in test/fixtures/manifests/environments/.

const ENV = { VAPI_API_KEY: 'vapi-test-key' };

function agentOf(manifest: Manifest, key: string): ManifestAgent {
  const agent = manifest.agents.find((candidate) => candidate.key === key);
  if (agent === undefined) throw new Error(`no agent ${key} in the manifest`);
  return agent;
}

/** What the planner reads of an agent, secrets by env name only. */
function desiredOf(agent: ManifestAgent) {
  return {
    project: agent.project,
    doc: agent.doc,
    mock_tools_enabled: agent.mock_tools_enabled,
    secrets: agent.secrets.map(({ path, env }) => ({ path, env })),
  };
}

async function usageError(
  loading: Promise<Manifest>,
): Promise<{ message: string; hint: string | undefined; meta: Record<string, unknown> | undefined }> {
  const error = await loading.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  const { message, hint, meta } = error as UsageError;
  return { message, hint, meta };
}

const mockTool = (name: string, description: string) => ({
  name,
  description,
  mock_data: [],
  served_via: { type: 'direct' },
});

describe('two environments of one manifest', () => {
  it.each([
    {
      environment: 'staging',
      projects: [5, 42],
      supportBot: {
        project: 42,
        doc: {
          name: 'Support Bot (us)',
          description: 'Handles support calls',
          telephony: { phone_number: '+14155550100', inbound: false, outbound_numbers: ['+14155550100'] },
          provider: { type: 'vapi', agent_id: 'asst_staging' },
          mock_tools: { get_order: mockTool('get_order', 'Staging lookup'), crm_lookup: mockTool('crm_lookup', '') },
        },
        mock_tools_enabled: true,
        secrets: [{ path: '/provider/credentials/api_key', env: 'VAPI_API_KEY' }],
      },
    },
    {
      // The override merges `telephony` key by key (phone_number stays), replaces `mock_tools` whole; `mocks: false` is typed.
      environment: 'production',
      projects: [5, 77],
      supportBot: {
        project: 77,
        doc: {
          name: 'Support Bot (us)',
          description: 'Handles support calls',
          telephony: { phone_number: '+14155559876', inbound: true, outbound_numbers: ['+14155559876'] },
          provider: { type: 'vapi', agent_id: 'asst_production' },
          mock_tools: { get_order: mockTool('get_order', 'Production lookup') },
        },
        mock_tools_enabled: false,
        secrets: [{ path: '/provider/credentials/api_key', env: 'VAPI_API_KEY' }],
      },
    },
  ])('resolves $environment with its project, vars and overrides', async ({ environment, projects, supportBot }) => {
    const manifest = await loadFixture(['environments/two-environments.yaml'], ENV, environment);
    expect(manifest.environment).toBe(environment);
    expect(manifest.agents.map((agent) => agent.key)).toEqual(['booking', 'support-bot']);
    expect(manifest.projects).toEqual(projects);
    expect(desiredOf(agentOf(manifest, 'support-bot'))).toEqual(supportBot);
    // An agent's own `project:` wins over the environment's.
    expect(desiredOf(agentOf(manifest, 'booking'))).toEqual({
      project: 5,
      doc: { name: 'Booking' },
      mock_tools_enabled: undefined,
      secrets: [],
    });
    expect(manifest.warnings).toEqual([]);
  });

  it("locates a field an override wrote at the override's line, the others at the agent's", async () => {
    const agent = agentOf(await loadFixture(['environments/two-environments.yaml'], ENV, 'production'), 'support-bot');
    const file = 'environments/two-environments.yaml';
    expect(agent.locateField('/telephony/inbound')).toEqual({ file, line: 18, col: 31 });
    expect(agent.locateField('/telephony/phone_number')).toEqual({ file, line: 26, col: 32 });
    expect(agent.locateField('/mock_tools/get_order/description')).toEqual({ file, line: 21, col: 26 });
    expect(agent.locateField('/provider/agent_id')).toEqual({ file, line: 29, col: 17 });
  });

  it('gives each environment its own manifest hash, the same on every load', async () => {
    const load = (environment: string) => loadFixture(['environments/two-environments.yaml'], ENV, environment);
    const [staging, stagingAgain, production] = await Promise.all([
      load('staging'),
      load('staging'),
      load('production'),
    ]);
    expect(staging.hash).toBe(stagingAgain.hash);
    expect(production.hash).not.toBe(staging.hash);
  });

  it('hashes the environment name even when two environments resolve to the same agents', async () => {
    const yaml =
      'environments:\n  blue: { project: 1 }\n  green: { project: 1 }\nagents:\n  support:\n    name: Support\n';
    const [blue, green] = await inTempDir({ 'cekura.yaml': yaml }, (cwd) =>
      Promise.all(['blue', 'green'].map((environment) => loadManifest({ paths: [], cwd, env: {}, environment }))),
    );
    expect(blue!.agents.map(desiredOf)).toEqual(green!.agents.map(desiredOf));
    expect(blue!.hash).not.toBe(green!.hash);
  });
});

describe('vars', () => {
  it.each([
    {
      // No project of its own: the top-level one; STAGE is read by staging's var, DEFAULT_ASSISTANT (overridden) is not needed.
      environment: 'staging',
      env: { STAGE: 'eu' },
      project: 1,
      agentId: 'asst-eu-support',
    },
    { environment: 'qa', env: { DEFAULT_ASSISTANT: 'asst_default' }, project: 42, agentId: 'asst_default' },
  ])(
    'types an exact ${var.NAME} and reads ${env:…} in var values ($environment)',
    async ({ environment, env, project, agentId }) => {
      const manifest = await loadFixture(['environments/typed-vars.yaml'], env, environment);
      expect(desiredOf(agentOf(manifest, 'support-bot'))).toEqual({
        project,
        doc: {
          name: 'Support Bot',
          description: 'Retries 3 times; mocks true; escaped ${var.retries}',
          telephony: { inbound: true, sip_uri: 'sip:support@example.com' },
          provider: { type: 'vapi', agent_id: agentId },
        },
        mock_tools_enabled: true,
        secrets: [],
      });
      expect(desiredOf(agentOf(manifest, 'dialer'))).toEqual({
        project: 9,
        doc: { name: 'Dialer', telephony: { outbound_numbers: ['+14155550100', '+14155550101'] } },
        mock_tools_enabled: undefined,
        secrets: [],
      });
    },
  );

  it.each([
    {
      environment: 'staging',
      issue: {
        col: 18,
        file: 'environments/typed-vars.yaml',
        hint: 'set STAGE before running cekuraform',
        line: 12,
        message: 'environment variable STAGE is not set',
        path: 'environments.staging.vars.assistant',
      },
    },
    {
      environment: 'qa',
      issue: {
        col: 14,
        file: 'environments/typed-vars.yaml',
        hint: 'set DEFAULT_ASSISTANT before running cekuraform',
        line: 8,
        message: 'environment variable DEFAULT_ASSISTANT is not set',
        path: 'vars.assistant',
      },
    },
  ])('reports an unset ${env:…} of the var in effect for $environment, at the var', async ({ environment, issue }) => {
    expect(await fixtureIssues(['environments/typed-vars.yaml'], {}, environment)).toEqual([issue]);
  });

  it('reports an undeclared var where it is used, naming the environment, with a did-you-mean', async () => {
    expect(await fixtureIssues(['environments/unknown-var.yaml'], ENV, 'staging')).toEqual([
      {
        col: 32,
        file: 'environments/unknown-var.yaml',
        hint: 'did you mean `phone`?',
        line: 9,
        message: 'var `phnoe` is not declared for environment staging',
        path: 'agents.support-bot.telephony.phone_number',
      },
      {
        col: 18,
        file: 'environments/unknown-var.yaml',
        hint: 'declare it under `vars:` (for every environment) or `environments.<name>.vars:`',
        line: 10,
        message: 'var `support_line` is not declared for environment staging',
        path: 'agents.support-bot.description',
      },
    ]);
  });

  it('refuses a var inside a var, and a list, mapping or null var inside a longer string', async () => {
    const file = 'environments/var-errors.yaml';
    const description = 'agents.support-bot.description';
    const alone = (name: string) => `write \`\${var.${name}}\` alone to use the value itself`;
    const inVar = {
      hint: 'write the value itself; `${env:NAME}` may be used',
      message: "`${var.brand}`: a var's value cannot use another var",
    };
    expect(await fixtureIssues([file], {}, 'staging')).toEqual([
      { col: 13, file, line: 3, path: 'vars.greeting', ...inVar },
      { col: 14, file, line: 11, path: 'environments.staging.vars.label', ...inVar },
      {
        col: 18,
        file,
        line: 15,
        path: description,
        hint: alone('numbers'),
        message: 'var `numbers` is a list: only a string, number or true/false can be part of a longer string',
      },
      {
        col: 18,
        file,
        line: 15,
        path: description,
        hint: alone('routing'),
        message: 'var `routing` is a mapping: only a string, number or true/false can be part of a longer string',
      },
      {
        col: 18,
        file,
        line: 15,
        path: description,
        hint: alone('nothing'),
        message: 'var `nothing` is null: only a string, number or true/false can be part of a longer string',
      },
    ]);
  });

  it('refuses a secret written as a var, without printing its value', async () => {
    const error = await loadError(loadFixture(['environments/secret-var.yaml'], ENV, 'staging'));
    expect(JSON.stringify({ message: error.message, meta: error.meta })).not.toContain(ENV.VAPI_API_KEY);
    expect(error.issues).toEqual([
      {
        col: 18,
        file: 'environments/secret-var.yaml',
        hint: "write `api_key: ${env:SUPPORT_BOT_API_KEY}` and give SUPPORT_BOT_API_KEY each environment's value where that environment runs",
        line: 12,
        message: '`api_key` is a secret and must be exactly `${env:NAME}`, not a var: var values are written in Git',
        path: 'agents.support-bot.provider.credentials.api_key',
      },
    ]);
  });
});

describe('other environments', () => {
  it("needs none of another environment's ${env:…}, in its vars or its overrides", async () => {
    const manifest = await loadFixture(['environments/other-environments.yaml'], {}, 'staging');
    expect(manifest.agents.map(desiredOf)).toEqual([
      {
        project: 42,
        doc: {
          name: 'Support Bot',
          telephony: { phone_number: '+14155550100' },
          provider: { type: 'vapi', agent_id: 'asst_support' },
        },
        mock_tools_enabled: undefined,
        secrets: [],
      },
    ]);
  });

  it("reads the chosen environment's ${env:…}, a secret in an override included", async () => {
    const env = { PROD_SUPPORT_PHONE: '+14155559876', PROD_VAPI_API_KEY: 'vapi-prod-key' };
    const manifest = await loadFixture(['environments/other-environments.yaml'], env, 'production');
    const { project, doc, secrets } = desiredOf(agentOf(manifest, 'support-bot'));
    expect({ project, telephony: doc.telephony, agent_id: doc.provider?.agent_id, secrets }).toEqual({
      project: 77,
      telephony: { phone_number: '+14155559876' },
      agent_id: 'asst_support',
      secrets: [{ path: '/provider/credentials/api_key', env: 'PROD_VAPI_API_KEY' }],
    });
    expect(JSON.stringify(manifest)).not.toContain(env.PROD_VAPI_API_KEY);
  });

  it("reports the chosen environment's unset ${env:…} at its var and at its override", async () => {
    const file = 'environments/other-environments.yaml';
    expect(await fixtureIssues([file], {}, 'production')).toEqual([
      {
        col: 14,
        file,
        hint: 'set PROD_SUPPORT_PHONE before running cekuraform',
        line: 9,
        message: 'environment variable PROD_SUPPORT_PHONE is not set',
        path: 'environments.production.vars.phone',
      },
      {
        col: 22,
        file,
        hint: 'set PROD_VAPI_API_KEY before running cekuraform',
        line: 14,
        message: 'environment variable PROD_VAPI_API_KEY is not set',
        path: 'environments.production.agents.support-bot.provider.credentials.api_key',
      },
    ]);
  });
});

describe('overrides', () => {
  it('refuses an override of an agent no file defines, in any environment', async () => {
    // Declared under production, reported when loading staging too: the manifest as a whole is wrong.
    expect(await fixtureIssues(['environments/override-unknown-agent.yaml'], ENV, 'staging')).toEqual([
      {
        col: 7,
        file: 'environments/override-unknown-agent.yaml',
        hint: 'did you mean `support-bot`?',
        line: 7,
        message: 'environment production overrides agent `suport-bot`, which no manifest file defines',
        path: 'environments.production.agents.suport-bot',
      },
    ]);
  });

  it("reports an error inside an override at the override's line, the agent's own errors at the agent's", async () => {
    const file = 'environments/override-errors.yaml';
    const override = 'environments.production.agents.support-bot';
    expect(await fixtureIssues([file], ENV, 'production')).toEqual([
      {
        col: 9,
        file,
        hint: 'did you mean `mock_tools`?',
        line: 8,
        message: 'unknown key `mock_tool`',
        path: `${override}.mock_tool`,
      },
      {
        col: 25,
        file,
        hint: 'quote it: "14155559876"',
        line: 10,
        message: 'expected a string, got a whole number',
        path: `${override}.telephony.phone_number`,
      },
      {
        col: 20,
        file,
        hint: "`${var.mocks}` alone takes the var's value with its type: change the value where the var is declared",
        line: 11,
        message: 'expected true or false, got a string',
        path: `${override}.telephony.inbound`,
      },
      {
        col: 7,
        file,
        hint: 'did you mean `inbound`?',
        line: 16,
        message: 'unknown key `inboud`',
        path: 'agents.support-bot.telephony.inboud',
      },
    ]);
  });

  it('reports an undeclared var and a duplicate tool inside an override at the override', async () => {
    const yaml = [
      'environments:',
      '  staging:',
      '    project: 1',
      '    agents:',
      '      support:',
      '        description: ${var.nope}',
      '        mock_tools:',
      '          - name: lookup',
      '          - name: lookup',
      'agents:',
      '  support:',
      '    name: Support',
      '',
    ].join('\n');
    const error = await inTempDir({ 'cekura.yaml': yaml }, (cwd) =>
      loadError(loadManifest({ paths: [], cwd, env: {}, environment: 'staging' })),
    );
    expect(error.issues).toEqual([
      {
        col: 22,
        file: 'cekura.yaml',
        hint: 'declare it under `vars:` (for every environment) or `environments.<name>.vars:`',
        line: 6,
        message: 'var `nope` is not declared for environment staging',
        path: 'environments.staging.agents.support.description',
      },
      {
        col: 19,
        file: 'cekura.yaml',
        hint: 'each mock tool name may appear once in an agent',
        line: 9,
        message: 'duplicate mock tool name `lookup` (first at line 8)',
        path: 'environments.staging.agents.support.mock_tools[1].name',
      },
    ]);
  });

  it('asks for a project under the environment when neither it nor the file nor the agent gives one', async () => {
    const yaml = 'environments:\n  staging: {}\nagents:\n  support:\n    name: Support\n';
    const error = await inTempDir({ 'cekura.yaml': yaml }, (cwd) =>
      loadError(loadManifest({ paths: [], cwd, env: {}, environment: 'staging' })),
    );
    expect(error.issues).toEqual([
      {
        col: 3,
        file: 'cekura.yaml',
        hint: 'set `project:` on the agent, at the top of the file for all of its agents, or under `environments.staging`',
        line: 4,
        message: 'agent `support` has no project',
        path: 'agents.support.project',
      },
    ]);
  });
});

describe('environments split across files', () => {
  it('resolves the agents of one file with the vars declared in another', async () => {
    const manifest = await loadFixture(['environments/split'], {}, 'staging');
    expect(manifest.files).toEqual(['environments/split/agents.yaml', 'environments/split/environments.yaml']);
    expect(manifest.environment).toBe('staging');
    expect(manifest.agents.map(desiredOf)).toEqual([
      {
        project: 42,
        doc: { name: 'Support Bot', provider: { type: 'vapi', agent_id: 'asst_default' } },
        mock_tools_enabled: undefined,
        secrets: [],
      },
    ]);
  });

  it("reports an error in an override written in another file than its agent at the override's file and line", async () => {
    expect(await fixtureIssues(['environments/split'], {}, 'production')).toEqual([
      {
        col: 31,
        file: 'environments/split/environments.yaml',
        hint: 'quote it: "12"',
        line: 12,
        message: 'expected a string, got a whole number',
        path: 'environments.production.agents.support-bot.provider.agent_id',
      },
    ]);
  });

  it('merges an override written in another file onto its agent, and locates what it wrote there', async () => {
    const support = agentOf(await loadFixture(['environments/split-override'], {}, 'production'), 'support-bot');
    expect(desiredOf(support)).toEqual({
      project: 77,
      doc: { name: 'Support Bot', provider: { type: 'vapi', agent_id: 'asst_support', auto_import_calls: true } },
      mock_tools_enabled: false,
      secrets: [],
    });
    expect(support.locateField('/provider/auto_import_calls')).toEqual({
      file: 'environments/split-override/environments.yaml',
      line: 9,
      col: 40,
    });
    expect(support.locateField('/provider/agent_id')).toEqual({
      file: 'environments/split-override/agents.yaml',
      line: 6,
      col: 17,
    });
  });

  it('reads agents.yaml alone as a manifest without environments', async () => {
    // Without environments.yaml there is no var and no project, and no environment to name.
    expect(await fixtureIssues(['environments/split/agents.yaml'])).toEqual([
      {
        col: 3,
        file: 'environments/split/agents.yaml',
        hint: 'set `project:` on the agent, or at the top of the file for all of its agents',
        line: 2,
        message: 'agent `support-bot` has no project',
        path: 'agents.support-bot.project',
      },
      {
        col: 17,
        file: 'environments/split/agents.yaml',
        hint: 'declare it under `vars:` (for every environment) or `environments.<name>.vars:`',
        line: 6,
        message: 'var `assistant` is not declared',
        path: 'agents.support-bot.provider.agent_id',
      },
    ]);
  });

  it.each(['staging', 'production'])(
    'refuses vars, projects and overrides declared differently in two files (loading %s)',
    async (environment) => {
      const first = 'environments/split-conflicts/a.yaml';
      const file = 'environments/split-conflicts/b.yaml';
      // Agreeing declarations (`vars.region`, `environments.production.project`) are no issue.
      expect(await fixtureIssues(['environments/split-conflicts'], {}, environment)).toEqual([
        {
          col: 3,
          file,
          hint: 'give `vars.brand` once, or the same value in every file',
          line: 2,
          message: `\`vars.brand: "Acme Outfitters"\` disagrees with \`vars.brand: "Acme"\` at ${first}:2:3`,
          path: 'vars.brand',
        },
        {
          col: 5,
          file,
          hint: 'give `environments.staging.project` once, or the same value in every file',
          line: 6,
          message: `\`environments.staging.project: 43\` disagrees with \`environments.staging.project: 42\` at ${first}:6:5`,
          path: 'environments.staging.project',
        },
        {
          col: 7,
          file,
          hint: 'give each agent one override per environment',
          line: 8,
          message: `this override is also written at ${first}:8:7`,
          path: 'environments.staging.agents.support-bot',
        },
      ]);
    },
  );
});

describe('choosing the environment', () => {
  const declared = { environments: ['production', 'staging'] };

  it.each([
    {
      name: 'requires --env when environments are declared',
      paths: ['environments/two-environments.yaml'],
      environment: undefined,
      expected: {
        message: 'the manifest declares environments production, staging: choose one with --env NAME',
        hint: 'for example `--env production`',
        meta: declared,
      },
    },
    {
      name: 'requires --env when another file declares the environments',
      paths: ['environments/split'],
      environment: undefined,
      expected: {
        message: 'the manifest declares environments production, staging: choose one with --env NAME',
        hint: 'for example `--env production`',
        meta: declared,
      },
    },
    {
      name: 'suggests the environment a short name begins',
      paths: ['environments/two-environments.yaml'],
      environment: 'prod',
      expected: {
        message: 'unknown environment `prod`: the manifest declares production, staging',
        hint: 'did you mean `production`?',
        meta: declared,
      },
    },
    {
      name: 'suggests the environment a typo is close to',
      paths: ['environments/two-environments.yaml'],
      environment: 'stagign',
      expected: {
        message: 'unknown environment `stagign`: the manifest declares production, staging',
        hint: 'did you mean `staging`?',
        meta: declared,
      },
    },
    {
      name: 'suggests nothing for a name close to no environment',
      paths: ['environments/two-environments.yaml'],
      environment: 'qa',
      expected: {
        message: 'unknown environment `qa`: the manifest declares production, staging',
        hint: undefined,
        meta: declared,
      },
    },
    {
      name: 'refuses --env when no environments are declared',
      paths: ['environments/split/agents.yaml'],
      environment: 'staging',
      expected: {
        message: '--env staging: the manifest declares no environments',
        hint: 'declare them under `environments:`, or leave out --env',
        meta: { environments: [] },
      },
    },
  ])('$name', async ({ paths, environment, expected }) => {
    expect(await usageError(loadFixture(paths, ENV, environment))).toEqual(expected);
  });

  it('reports the YAML errors of a broken file first, which may hide the environments', async () => {
    const files = {
      'a.yaml': 'environments:\n  staging: [project: 1\n',
      'b.yaml': 'project: 1\nagents:\n  support:\n    name: Support\n',
    };
    const error = await inTempDir(files, (cwd) =>
      loadError(loadManifest({ paths: ['.'], cwd, env: {}, environment: 'staging' })),
    );
    expect(error.issues).toEqual([
      {
        col: 1,
        file: 'a.yaml',
        line: 3,
        message: 'flow sequence in block collection must be sufficiently indented and end with a ]',
        path: '',
      },
    ]);
  });

  it('refuses an environment name that cannot name a state file', async () => {
    const yaml =
      'environments:\n  eu.prod: { project: 1 }\n  staging: { project: 2 }\nagents:\n  support:\n    name: Support\n';
    const error = await inTempDir({ 'cekura.yaml': yaml }, (cwd) =>
      loadError(loadManifest({ paths: [], cwd, env: {}, environment: 'staging' })),
    );
    expect(error.issues).toEqual([
      {
        col: 3,
        file: 'cekura.yaml',
        line: 2,
        message: 'an environment name starts with a letter or digit and has only letters, digits, `_` or `-`',
        path: 'environments["eu.prod"]',
      },
    ]);
  });

  it('reports `environments:` that is not a mapping, rather than saying none are declared', async () => {
    const yaml = 'environments:\n  - staging\nproject: 1\nagents:\n  support:\n    name: Support\n    description: d\n';
    const error = await inTempDir({ 'cekura.yaml': yaml }, (cwd) =>
      loadError(loadManifest({ paths: [], cwd, env: {}, environment: 'staging' })),
    );
    expect(error.issues).toEqual([
      { col: 1, file: 'cekura.yaml', line: 1, message: 'expected a mapping, got a list', path: 'environments' },
    ]);
  });

  it('leaves manifest.environment out when none is declared', async () => {
    const manifest = await inTempDir({ 'cekura.yaml': 'project: 1\nagents:\n  support:\n    name: Support\n' }, (cwd) =>
      loadManifest({ paths: [], cwd, env: {} }),
    );
    expect(manifest).not.toHaveProperty('environment');
  });
});

import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';
import { inTempDir, loadError, loadText, textIssues } from './helpers.js';

// A variable that fills a secret may not fill a readable field too: its value would be shown.

const KEY = 'sk_live_reused-0042';

const agent = (extra: string) =>
  [
    'project: 42',
    'agents:',
    '  support:',
    '    name: Support',
    '    description: Handles calls',
    '    provider:',
    '      type: vapi',
    '      credentials:',
    '        api_key: ${env:VAPI_API_KEY}',
    extra,
    '',
  ].join('\n');

describe('a secret value reaching a readable field through another variable', () => {
  it.each([
    { name: 'the same value', other: KEY },
    { name: 'a value that contains it', other: `https://hooks.example.com/?key=${KEY}` },
  ])('is refused when the other variable holds $name, and no message quotes it', async ({ other }) => {
    const issues = await textIssues(agent('    webhook_url: "${env:HOOK_URL}"'), {
      VAPI_API_KEY: KEY,
      HOOK_URL: other,
    });

    expect(issues).toEqual([
      {
        file: 'cekura.yaml',
        line: 10,
        col: 18,
        path: 'agents.support.webhook_url',
        message:
          '`${env:HOOK_URL}` holds the value of a secret elsewhere in the manifest, so it cannot be used here: the value would be shown',
        hint: 'give this field its own environment variable, or write the value itself',
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain(KEY);
  });

  it('a variable with another value is fine', async () => {
    const manifest = await loadText(agent('    webhook_url: "${env:HOOK_URL}"'), {
      VAPI_API_KEY: KEY,
      HOOK_URL: 'https://hooks.example.com/cekura',
    });

    expect(manifest.agents[0]!.doc.webhook_url).toBe('https://hooks.example.com/cekura');
  });
});

describe('a secret variable used outside secrets', () => {
  it('is refused where it is used, and no message quotes its value', async () => {
    const tools = [
      '    mock_tools:',
      '      - name: "${env:VAPI_API_KEY}"',
      '      - name: "${env:VAPI_API_KEY}"',
    ].join('\n');
    const issues = await textIssues(agent(tools), { VAPI_API_KEY: KEY });

    const refusal = {
      message:
        '`${env:VAPI_API_KEY}` fills a secret elsewhere in the manifest, so it cannot be used here: the value would be shown',
      hint: 'give this field its own environment variable, or write the value itself',
    };
    expect(issues).toEqual([
      { file: 'cekura.yaml', line: 11, col: 15, path: 'agents.support.mock_tools[0].name', ...refusal },
      // The duplicate's message quotes the name, which is the secret's value.
      {
        file: 'cekura.yaml',
        line: 12,
        col: 15,
        path: 'agents.support.mock_tools[1].name',
        message: 'duplicate mock tool name `(sensitive value)` (first at line 11)',
        hint: expect.any(String),
      },
      { file: 'cekura.yaml', line: 12, col: 15, path: 'agents.support.mock_tools[1].name', ...refusal },
    ]);
  });

  it('is refused in a var value, across files', async () => {
    const files = {
      'agents.yaml': agent(''),
      'vars.yaml': [
        'environments:',
        '  staging:',
        '    project: 42',
        '    vars:',
        '      greeting: "key ${env:VAPI_API_KEY}"',
        '',
      ].join('\n'),
    };
    const error = await inTempDir(files, (cwd) =>
      loadError(loadManifest({ paths: ['.'], cwd, env: { VAPI_API_KEY: KEY }, environment: 'staging' })),
    );

    expect(error.issues.map((issue) => [issue.file, issue.path, issue.message])).toEqual([
      [
        'vars.yaml',
        'environments.staging.vars.greeting',
        '`${env:VAPI_API_KEY}` fills a secret elsewhere in the manifest, so it cannot be used here: the value would be shown',
      ],
    ]);
  });

  it('is fine when the variable fills no secret', async () => {
    const manifest = await loadText(agent('    webhook_url: "https://hooks.example.com/${env:HOOK_PATH}"'), {
      VAPI_API_KEY: KEY,
      HOOK_PATH: 'calls',
    });
    expect(manifest.agents[0]!.doc.webhook_url).toBe('https://hooks.example.com/calls');
  });
});

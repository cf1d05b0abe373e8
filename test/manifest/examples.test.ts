import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('examples/agents.yaml', () => {
  it('loads with only VAPI_API_KEY and RETELL_API_KEY set, as the demo runs it', async () => {
    const manifest = await loadManifest({
      paths: ['examples/agents.yaml'],
      cwd: ROOT,
      env: { VAPI_API_KEY: 'demo-vapi', RETELL_API_KEY: 'demo-retell' },
    });
    expect(manifest.warnings).toEqual([]);
    expect(manifest.projects).toEqual([42]);
    expect(
      manifest.agents.map((agent) => ({
        key: agent.key,
        provider: agent.doc.provider?.type,
        secrets: agent.secrets.map((secret) => secret.env),
        tools: Object.keys(agent.doc.mock_tools ?? {}),
        mock_tools_enabled: agent.mock_tools_enabled,
      })),
    ).toEqual([
      {
        key: 'booking-agent',
        provider: 'retell',
        secrets: ['RETELL_API_KEY'],
        tools: [],
        mock_tools_enabled: undefined,
      },
      {
        key: 'onprem-agent',
        provider: 'custom',
        secrets: [],
        tools: ['check_availability'],
        mock_tools_enabled: false,
      },
      {
        key: 'support-bot',
        provider: 'vapi',
        secrets: ['VAPI_API_KEY'],
        tools: ['get_order', 'refund_order', 'crm_lookup', 'crm_update'],
        mock_tools_enabled: true,
      },
    ]);
  });

  it('points editors at the committed JSON Schema', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../examples/agents.yaml', import.meta.url), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/manifest.schema.json');
  });
});

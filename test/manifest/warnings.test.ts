import { describe, expect, it } from 'vitest';
import { loadFixture } from './helpers.js';

describe('open value sets', () => {
  it('only warn on an unknown provider type, chat type or language, with a did-you-mean', async () => {
    const manifest = await loadFixture(['warnings.yaml'], { PROVIDER: 'brand_new_provider' });
    expect(manifest.agents.map((agent) => agent.doc.provider?.type)).toEqual(['brand_new_provider', 'vapy']);
    expect(manifest.warnings).toMatchInlineSnapshot(`
      [
        {
          "col": 15,
          "file": "warnings.yaml",
          "hint": "did you mean \`en\`?",
          "line": 5,
          "message": "unknown language \`eng\`: it is sent as written, in case Cekura added it after this release",
          "path": "agents.support.language",
        },
        {
          "col": 13,
          "file": "warnings.yaml",
          "hint": "did you mean \`vapi\`?",
          "line": 7,
          "message": "unknown provider type \`vapy\`: it is sent as written, in case Cekura added it after this release",
          "path": "agents.support.provider.type",
        },
        {
          "col": 15,
          "file": "warnings.yaml",
          "hint": "known: retell, bland, vapi, elevenlabs, livekit, agora, sms, whatsapp, self_hosted, agentforce, amazon_connect, koreai",
          "line": 9,
          "message": "unknown chat provider type \`telegram\`: it is sent as written, in case Cekura added it after this release",
          "path": "agents.support.provider.chat_agent_details.type",
        },
        {
          "col": 15,
          "file": "warnings.yaml",
          "hint": "did you mean \`th\`?",
          "line": 12,
          "message": "unknown language \`tlh\`: it is sent as written, in case Cekura added it after this release",
          "path": "agents.other.language",
        },
        {
          "col": 13,
          "file": "warnings.yaml",
          "hint": "known: vapi, retell, elevenlabs, self_hosted, cisco, bland, livekit, pipecat, synthflow, agora, koreai, genesys, amazon_connect, telnyx, custom",
          "line": 14,
          "message": "unknown provider type from \`\${env:PROVIDER}\`: it is sent as written, in case Cekura added it after this release",
          "path": "agents.other.provider.type",
        },
      ]
    `);
  });
});

describe('provider type self_hosted', () => {
  it('warns that the newer API refuses it, spelling out the replacement', async () => {
    const manifest = await loadFixture(['warnings.yaml'], { PROVIDER: 'self_hosted' });
    expect(manifest.agents.find((agent) => agent.key === 'other')?.doc.provider?.type).toBe('self_hosted');
    expect(manifest.warnings.filter((warning) => warning.path === 'agents.other.provider.type')).toEqual([
      {
        file: 'warnings.yaml',
        line: 14,
        col: 13,
        path: 'agents.other.provider.type',
        message:
          'provider type `self_hosted` was removed from Cekura’s API on 2026-08-06; an account on the newer API refuses it as "not a valid choice"',
        hint: 'write `type: custom` and `chat_agent_details: { type: self_hosted }` under provider (a voice websocket goes in telephony.websocket_url)',
      },
    ]);
  });
});

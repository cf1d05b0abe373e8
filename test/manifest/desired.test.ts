import { describe, expect, it } from 'vitest';
import { loadText, textIssues } from './helpers.js';

// What a valid manifest becomes: the desired agent document the planner compares with live.

describe('desired agent document', () => {
  it('keeps absent fields absent and fills server defaults only inside items', async () => {
    const manifest = await loadText(`
project: 42
agents:
  bare:
    name: Bare
  tooled:
    name: Tooled
    mock_tools:
      - name: get_order
    dynamic_variables:
      - name: customer_name
`);
    const [bare, tooled] = manifest.agents;
    expect(bare!.doc).toEqual({ name: 'Bare' });
    expect(bare!.mock_tools_enabled).toBeUndefined();
    expect(tooled!.doc).toEqual({
      name: 'Tooled',
      mock_tools: { get_order: { name: 'get_order', description: '', mock_data: [], served_via: { type: 'direct' } } },
      dynamic_variables: { customer_name: { name: 'customer_name' } },
    });
  });

  it('keeps null leaves in telephony and provider: they clear the key on Cekura', async () => {
    const manifest = await loadText(`
project: 42
agents:
  support:
    name: Support
    agent_speaks_first: null
    webhook_url: null
    telephony: { phone_number: null, sip_auth: null, inbound: false }
    provider:
      agent_id: null
      credentials: { config: null }
      chat_agent_details: null
`);
    expect(manifest.agents[0]!.doc).toEqual({
      name: 'Support',
      agent_speaks_first: null,
      webhook_url: null,
      telephony: { phone_number: null, sip_auth: null, inbound: false },
      provider: { agent_id: null, credentials: { config: null }, chat_agent_details: null },
    });
  });

  it('turns an explicit empty list into an empty set (delete them all)', async () => {
    const manifest = await loadText(
      'project: 42\nagents:\n  a: { name: A, mock_tools: [], dynamic_variables: [], knowledge_base_files: [] }\n',
    );
    expect(manifest.agents[0]!.doc).toEqual({
      name: 'A',
      mock_tools: {},
      dynamic_variables: {},
      knowledge_base_files: {},
    });
  });

  it('keeps mock_tools_enabled, id and project beside the document', async () => {
    const manifest = await loadText(
      'project: 42\nagents:\n  a: { name: A, id: 7, project: 9, mock_tools_enabled: true }\n',
    );
    const [agent] = manifest.agents;
    expect(agent).toMatchObject({
      key: 'a',
      address: 'agent.a',
      id: 7,
      project: 9,
      mock_tools_enabled: true,
      doc: { name: 'A' },
    });
    expect(manifest.projects).toEqual([9]);
  });

  it('gives the same document and hash when tools, rows, variables and freetext params are reordered', async () => {
    const first = await loadText(`
project: 42
agents:
  support:
    name: Support
    mock_tools:
      - name: get_order
        mock_data:
          - { input: { order_id: A1 }, output: { status: shipped } }
          - { input: { order_id: B2 }, output: { status: lost } }
        freetext_params: [reason, notes]
      - name: crm_lookup
        served_via: { type: mcp, mock_index: 1 }
    dynamic_variables:
      - { name: a, description: first }
      - { name: b }
`);
    const reordered = await loadText(`
project: 42
agents:
  support:
    dynamic_variables:
      - { name: b }
      - { description: first, name: a }
    mock_tools:
      - served_via: { mock_index: 1, type: mcp }
        name: crm_lookup
      - name: get_order
        freetext_params: [notes, reason]
        mock_data:
          - { output: { status: lost }, input: { order_id: B2 } }
          - { input: { order_id: A1 }, output: { status: shipped } }
    name: Support
`);
    expect(reordered.agents[0]!.doc).toEqual(first.agents[0]!.doc);
    expect(reordered.hash).toBe(first.hash);
    expect(first.agents[0]!.doc.mock_tools!.get_order).toEqual({
      name: 'get_order',
      description: '',
      mock_data: [
        { input: { order_id: 'A1' }, output: { status: 'shipped' } },
        { input: { order_id: 'B2' }, output: { status: 'lost' } },
      ],
      served_via: { type: 'direct' },
      freetext_params: ['notes', 'reason'],
    });
  });

  it('changes the hash when anything desired changes', async () => {
    const base = 'project: 42\nagents:\n  a: { name: A, mock_tools_enabled: true }\n';
    const hash = (await loadText(base)).hash;
    expect((await loadText(base.replace('true', 'false'))).hash).not.toBe(hash);
    expect((await loadText(base.replace('name: A', 'name: B'))).hash).not.toBe(hash);
    expect((await loadText(`prune: true\n${base}`)).hash).not.toBe(hash);
  });

  it('records where each field is written, by its pointer in the document', async () => {
    const manifest = await loadText(`project: 42
agents:
  support:
    name: Support
    telephony:
      phone_number: "+14155551234"
    mock_tools:
      - name: get_order
        mock_data:
          - input: { order_id: B2 }
            output: {}
          - input: { order_id: A1 }
            output: {}
        served_via: { type: mcp, mock_index: 1 }
`);
    const [agent] = manifest.agents;
    const line = (pointer: string) => agent!.locateField(pointer)?.line;
    expect(agent!.location).toEqual({ file: 'cekura.yaml', line: 3, col: 3 });
    expect(line('/name')).toBe(4);
    expect(line('/telephony/phone_number')).toBe(6);
    expect(line('/mock_tools/get_order')).toBe(8);
    expect(line('/mock_tools/get_order/served_via')).toBe(14);
    expect(line('/mock_tools/get_order/served_via/mock_index')).toBe(14);
    // Rows are addressed by their sorted position, as the document holds them.
    expect(line('/mock_tools/get_order/mock_data/0')).toBe(12);
    expect(line('/mock_tools/get_order/mock_data/1/input')).toBe(10);
  });

  it('interpolates ${env:…} anywhere, several per string, with $${ as a literal', async () => {
    const manifest = await loadText(
      `project: 42
agents:
  support:
    name: Support (\${env:STAGE})
    description: \${env:STAGE}-\${env:REGION} costs $\${price}
    mock_tools:
      - name: get_order
        mock_data:
          - { input: { region: "\${env:REGION}" }, output: { url: "https://\${env:STAGE}.example.com" } }
`,
      { STAGE: 'prod', REGION: 'eu' },
    );
    const { doc } = manifest.agents[0]!;
    expect(doc.name).toBe('Support (prod)');
    expect(doc.description).toBe('prod-eu costs ${price}');
    expect(doc.mock_tools!.get_order!.mock_data).toEqual([
      { input: { region: 'eu' }, output: { url: 'https://prod.example.com' } },
    ]);
  });

  it('lets agents share blocks through YAML merge keys, and locates issues inside them', async () => {
    const yaml = `project: 42
defaults: &vapi
  type: vapi
  agent_id: 12345
agents:
  a: { name: A, provider: { <<: *vapi } }
`;
    expect((await textIssues(yaml)).map(({ line, path, message }) => ({ line, path, message }))).toEqual([
      { line: 2, path: 'defaults', message: 'unknown key `defaults`' },
      { line: 4, path: 'agents.a.provider.agent_id', message: 'expected a string, got a whole number' },
    ]);
  });
});

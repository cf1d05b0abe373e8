import { describe, expect, it } from 'vitest';
import { AGENTS, apiErrorOf, mockedApi } from './helpers.js';
import { wireAgent, wireTool } from '../plan/builders.js';

// Response validation, through the client: tolerant of additions, strict about types.

const AGENT_PATH = `${AGENTS}303/`;

function serveAgent(body: unknown) {
  const mocked = mockedApi();
  mocked.intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(200, body as object);
  return mocked.api;
}

describe('agent responses', () => {
  it('keeps unknown fields at every level', async () => {
    const agent = wireAgent(303, {
      enabled_personalities: [1],
      future_flag: { on: true },
      mock_tools: [wireTool(1, 'get_order', { is_shared: true, tool_source: 'provider' })],
      dynamic_variables: [{ id: 10, name: 'customer_name', description: 'Caller name', source: 'description' }],
    });

    await expect(serveAgent(agent).getAgent(303)).resolves.toEqual(agent);
  });

  it('reads mock data from `information`, the older field name, and exposes it as mock_data', async () => {
    const rows = [{ input: { order_id: 'A1' }, output: { status: 'shipped' } }];
    // Not a WireMockTool: the older field name instead of mock_data.
    const agent = {
      ...wireAgent(303),
      mock_tools: [
        { id: 1, name: 'get_order', description: '', information: rows, served_via: { type: 'direct', url: 'u' } },
      ],
    };

    const read = await serveAgent(agent).getAgent(303);

    expect(read.mock_tools![0]!.mock_data).toEqual(rows);
  });

  it('prefers mock_data when both names are present', async () => {
    const agent = wireAgent(303, {
      mock_tools: [
        {
          id: 1,
          name: 't',
          description: '',
          mock_data: [],
          information: [{ input: 1, output: 2 }],
          served_via: { type: 'direct' },
        },
      ],
    });

    const read = await serveAgent(agent).getAgent(303);

    expect(read.mock_tools![0]!.mock_data).toEqual([]);
  });

  it.each([
    { name: 'a wrong top-level type', change: { project: '42' }, path: 'project' },
    {
      name: 'a wrong nested type',
      change: { mock_tools: [{ id: 1, name: 7, description: '', mock_data: [], served_via: { type: 'direct' } }] },
      path: 'mock_tools[0].name',
    },
    {
      name: 'an unknown served_via type',
      change: { mock_tools: [{ id: 1, name: 't', description: '', mock_data: [], served_via: { type: 'http' } }] },
      path: 'mock_tools[0].served_via.type',
    },
    {
      name: 'a tool without mock data',
      change: { mock_tools: [{ id: 1, name: 't', description: '', served_via: { type: 'direct' } }] },
      path: 'mock_tools[0].mock_data',
    },
    { name: 'a missing id', change: { id: undefined }, path: 'id' },
    { name: 'a provider that is not an object', change: { provider: ['vapi'] }, path: 'provider' },
    { name: 'telephony that is not an object', change: { telephony: 'inbound' }, path: 'telephony' },
  ])('rejects $name, naming the field path', async ({ change, path }) => {
    const error = await apiErrorOf(serveAgent({ ...wireAgent(303), ...change }).getAgent(303));

    expect(error).toMatchObject({ code: 'api_invalid_response', status: 200, agentId: 303 });
    expect(error.message).toContain(
      `reading agent 303 failed (GET ${AGENT_PATH}: HTTP 200): unexpected response: ${path}: `,
    );
  });

  it('accepts what Cekura’s newer API leaves out or nulls: the agent description, tool routing and descriptions', async () => {
    const { description: _description, ...agent } = wireAgent(303, {
      mock_tools: [{ id: 1, name: 't', description: null, mock_data: [] }],
      dynamic_variables: [{ id: 2, name: 'v', description: null }],
    });

    await expect(serveAgent(agent).getAgent(303)).resolves.toEqual(agent);
  });

  it('rejects a body that is not JSON', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: AGENT_PATH, method: 'GET' }).reply(200, 'OK');

    const error = await apiErrorOf(api.getAgent(303));

    expect(error.code).toBe('api_invalid_response');
    expect(error.message).toContain('body is not JSON');
  });

  it('a create answered 2xx with a bad body did commit', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: AGENTS, method: 'POST' }).reply(202, { id: 303, progress_id: 'p' });

    const error = await apiErrorOf(api.createAgent({ name: 'Bot' }));

    expect(error).toMatchObject({ code: 'api_invalid_response', maybeCommitted: true });
  });
});

describe('toggle responses', () => {
  it('fills what the progress page marks optional: mcp_endpoints [], nullable fields null', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENT_PATH}toggle-mock-tools-progress/?progress_id=p1`, method: 'GET' })
      .reply(200, { status: 'in_progress' });

    await expect(api.getToggleProgress(303, 'p1')).resolves.toEqual({
      status: 'in_progress',
      mock_enabled: null,
      mcp_endpoints: [],
      message: null,
      error: null,
    });
  });

  it('reads a status it does not know (the newer `queued`) as still running, and shows it', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENT_PATH}toggle-mock-tools-progress/?progress_id=p1`, method: 'GET' })
      .reply(200, { status: 'queued', mock_enabled: null, message: null, error: null });

    await expect(api.getToggleProgress(303, 'p1')).resolves.toMatchObject({
      status: 'in_progress',
      message: 'Cekura reports "queued"',
    });
  });

  it('rejects a progress without a status, naming the field and the request', async () => {
    const { api, intercept } = mockedApi();
    intercept
      .intercept({ path: `${AGENT_PATH}toggle-mock-tools-progress/?progress_id=p1`, method: 'GET' })
      .reply(200, { mock_enabled: null });

    const error = await apiErrorOf(api.getToggleProgress(303, 'p1'));

    expect(error.code).toBe('api_invalid_response');
    expect(error.message).toContain(
      `reading the mock-tool toggle progress of agent 303 failed (GET ${AGENT_PATH}toggle-mock-tools-progress/?progress_id=p1: HTTP 200): unexpected response: status: `,
    );
  });

  it('rejects a toggle answer without a progress id', async () => {
    const { api, intercept } = mockedApi();
    intercept.intercept({ path: `${AGENT_PATH}toggle-mock-tools/`, method: 'POST' }).reply(202, { progress: 'p1' });

    const error = await apiErrorOf(api.toggleMockTools(303, true));

    expect(error.message).toContain('progress_id: ');
  });
});

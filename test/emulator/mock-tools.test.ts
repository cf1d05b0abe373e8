import { describe, expect, it } from 'vitest';
import { call, createAgent, getAgent, patchAgent, useEmulator } from './helpers.js';

const emulator = useEmulator();

const getOrder = {
  name: 'get_order',
  description: 'Look up an order',
  mock_data: [{ input: { order_id: 'A1' }, output: { status: 'shipped' } }],
};

type Tool = {
  id: number;
  name: string;
  description: string;
  mock_data: unknown[];
  served_via: Record<string, unknown>;
};

function byName(tools: Tool[]): Record<string, Tool> {
  return Object.fromEntries(tools.map((tool) => [tool.name, tool]));
}

describe('mock tools read shape', () => {
  it('fills defaults, computes served_via.url and carries is_shared/subscriber_count', async () => {
    const agent = await createAgent(emulator.current, {
      mock_tools: [
        getOrder,
        { name: 'crm_lookup', served_via: { type: 'mcp', mock_index: 2, url: 'https://ignored' } },
        { name: 'bare' },
      ],
    });
    const base = emulator.current.url;

    expect(agent.mock_tools).toEqual([
      {
        id: 1,
        ...getOrder,
        served_via: { type: 'direct', url: `${base}/test_framework/v1/aiagents/${agent.id}/tool/get_order/` },
        is_shared: false,
        subscriber_count: 1,
      },
      {
        id: 2,
        name: 'crm_lookup',
        description: '',
        mock_data: [],
        served_via: { type: 'mcp', mock_index: 2, url: `${base}/test_framework/v1/aiagents/${agent.id}/mcp/2/` },
        is_shared: false,
        subscriber_count: 1,
      },
      {
        id: 3,
        name: 'bare',
        description: '',
        mock_data: [],
        served_via: { type: 'direct', url: `${base}/test_framework/v1/aiagents/${agent.id}/tool/bare/` },
        is_shared: false,
        subscriber_count: 1,
      },
    ]);
  });

  it('builds URLs from the Host the client used', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [{ name: 't' }] });
    const response = await fetch(`http://localhost:${emulator.current.port}/test_framework/v2/aiagents/${agent.id}/`, {
      headers: { 'x-cekura-api-key': 'cekura-emulator-dev-key' },
    });
    const body = (await response.json()) as { mock_tools: Tool[] };
    expect(body.mock_tools[0]!.served_via.url).toBe(
      `http://localhost:${emulator.current.port}/test_framework/v1/aiagents/${agent.id}/tool/t/`,
    );
  });

  it('marks a tool shared through the handle and the admin route', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [{ name: 'a' }, { name: 'b' }] });
    emulator.current.markShared(agent.mock_tools[0].id, 3);
    const admin = await call(emulator.current, 'POST', `/_emulator/mock-tools/${agent.mock_tools[1].id}/share`, {
      subscriber_count: 2,
    });
    expect(admin.status).toBe(200);

    const tools = (await getAgent(emulator.current, agent.id)).body.mock_tools;
    expect(
      tools.map((tool: Tool & { is_shared: boolean; subscriber_count: number }) => [
        tool.is_shared,
        tool.subscriber_count,
      ]),
    ).toEqual([
      [true, 3],
      [true, 2],
    ]);
    expect(
      (await call(emulator.current, 'POST', '/_emulator/mock-tools/999/share', { subscriber_count: 2 })).status,
    ).toBe(404);
    expect(() => emulator.current.markShared(999, 2)).toThrow();
  });
});

describe('mock tools full-set writes', () => {
  it('leaves the set alone when the field is absent', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [getOrder] });
    const response = await patchAgent(emulator.current, agent.id, { name: 'Other' });
    expect(response.body.mock_tools).toEqual(agent.mock_tools);
  });

  it('deletes every tool for an empty list', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [getOrder, { name: 'b' }] });
    const response = await patchAgent(emulator.current, agent.id, { mock_tools: [] });
    expect(response.body.mock_tools).toEqual([]);
  });

  it('matches by name, keeps the id and the fields the item omits, deletes omitted tools, creates new ones', async () => {
    const agent = await createAgent(emulator.current, {
      mock_tools: [getOrder, { name: 'crm', served_via: { type: 'mcp', mock_index: 1 } }, { name: 'gone' }],
    });
    const before = byName(agent.mock_tools);

    const response = await patchAgent(emulator.current, agent.id, {
      mock_tools: [{ name: 'get_order', description: 'Find an order' }, { name: 'crm' }, { name: 'fresh' }],
    });

    const after = byName(response.body.mock_tools);
    expect(Object.keys(after).sort()).toEqual(['crm', 'fresh', 'get_order']);
    expect(after.get_order).toMatchObject({
      id: before.get_order!.id,
      description: 'Find an order',
      mock_data: getOrder.mock_data,
    });
    expect(after.crm).toMatchObject({ id: before.crm!.id, served_via: { type: 'mcp', mock_index: 1 } });
    expect(after.fresh!.id).toBeGreaterThan(before.gone!.id);
  });

  it('renames a tool matched by id', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [getOrder] });
    const id = agent.mock_tools[0].id;

    const response = await patchAgent(emulator.current, agent.id, { mock_tools: [{ id, name: 'find_order' }] });

    expect(response.body.mock_tools).toEqual([
      expect.objectContaining({
        id,
        name: 'find_order',
        description: getOrder.description,
        mock_data: getOrder.mock_data,
      }),
    ]);
    expect(response.body.mock_tools[0].served_via.url).toMatch(/\/tool\/find_order\/$/);
  });

  it('matches by id before name: a name claimed by an id item makes a new tool', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [{ name: 'a' }] });
    const id = agent.mock_tools[0].id;

    const response = await patchAgent(emulator.current, agent.id, { mock_tools: [{ id, name: 'b' }, { name: 'a' }] });

    expect(response.body.mock_tools.map((tool: Tool) => [tool.id === id, tool.name])).toEqual([
      [true, 'b'],
      [false, 'a'],
    ]);
  });

  it('swaps names between two tools matched by id', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [{ name: 'a' }, { name: 'b' }] });
    const [a, b] = agent.mock_tools as Tool[];

    const response = await patchAgent(emulator.current, agent.id, {
      mock_tools: [
        { id: a!.id, name: 'b' },
        { id: b!.id, name: 'a' },
      ],
    });

    expect(response.body.mock_tools.map((tool: Tool) => [tool.id, tool.name])).toEqual([
      [a!.id, 'b'],
      [b!.id, 'a'],
    ]);
  });

  it('rejects an id of another agent’s tool, an unknown id and a repeated id', async () => {
    const other = await createAgent(emulator.current, { name: 'Other', mock_tools: [{ name: 'theirs' }] });
    const agent = await createAgent(emulator.current, { mock_tools: [{ name: 'mine' }] });
    const mine = agent.mock_tools[0].id;

    const response = await patchAgent(emulator.current, agent.id, {
      mock_tools: [
        { id: other.mock_tools[0].id },
        { id: 999, name: 'x' },
        { id: mine },
        { id: mine, name: 'y' },
        { id: 'one' },
      ],
    });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      mock_tools: [
        { id: [`Mock tool ${other.mock_tools[0].id} does not belong to this agent.`] },
        { id: ['Mock tool 999 does not belong to this agent.'] },
        {},
        { id: [`Mock tool ${mine} appears more than once.`] },
        { id: ['A valid integer is required.'] },
      ],
    });
    expect((await getAgent(emulator.current, other.id)).body.mock_tools).toEqual(other.mock_tools);
  });

  it('rejects two tools ending with the same name', async () => {
    const agent = await createAgent(emulator.current, { mock_tools: [{ name: 'a' }] });
    const response = await patchAgent(emulator.current, agent.id, {
      mock_tools: [{ id: agent.mock_tools[0].id }, { name: 'a', description: 'dup' }],
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ mock_tools: [{}, { name: ['Mock tool name "a" appears more than once.'] }] });
  });

  it.each([
    {
      tool: { name: 'a'.repeat(64) },
      errors: { name: ['Use only letters, digits, underscores and hyphens, 1 to 63 characters.'] },
    },
    {
      tool: { name: 'a', served_via: { type: 'webhook' } },
      errors: { served_via: { type: ['"webhook" is not a valid choice.'] } },
    },
    {
      tool: { name: 'a', served_via: { type: 'mcp' } },
      errors: { served_via: { mock_index: ['This field is required when type is "mcp".'] } },
    },
    {
      tool: { name: 'a', served_via: { type: 'mcp', mock_index: 0 } },
      errors: { served_via: { mock_index: ['Ensure this value is greater than or equal to 1.'] } },
    },
    {
      tool: { name: 'a', served_via: { type: 'mcp', mock_index: 1.5 } },
      errors: { served_via: { mock_index: ['A valid integer is required.'] } },
    },
    {
      tool: { name: 'a', mock_data: { input: 1 } },
      errors: { mock_data: ['Expected a list of items but got type "dict".'] },
    },
    {
      tool: { name: 'a', mock_data: [{ input: 1 }, 'row'] },
      errors: {
        mock_data: [
          'Row 1 must be an object with "input" and "output".',
          'Row 2 must be an object with "input" and "output".',
        ],
      },
    },
    {
      tool: {
        name: 'a',
        mock_data: [
          { input: { x: 1, y: 2 }, output: 1 },
          { input: { y: 2, x: 1 }, output: 2 },
        ],
      },
      errors: { mock_data: ['Rows 1 and 2 have the same input.'] },
    },
    { tool: { name: 'a', freetext_params: 'notes' }, errors: { freetext_params: ['Expected a list of strings.'] } },
    { tool: { name: 'a', description: null }, errors: { description: ['This field may not be null.'] } },
  ])('rejects $tool', async ({ tool, errors }) => {
    const agent = await createAgent(emulator.current);
    const response = await patchAgent(emulator.current, agent.id, { mock_tools: [tool] });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ mock_tools: [errors] });
  });

  it('stores freetext_params without returning them, and keeps them when an item omits them', async () => {
    const agent = await createAgent(emulator.current, {
      mock_tools: [{ name: 'notes_tool', freetext_params: ['notes', 'reason'] }],
    });
    expect(agent.mock_tools[0]).not.toHaveProperty('freetext_params');

    await patchAgent(emulator.current, agent.id, { mock_tools: [{ name: 'notes_tool', description: 'changed' }] });

    expect(emulator.current.storedWriteOnly(agent.id)).toEqual({
      '/mock_tools/notes_tool/freetext_params': ['notes', 'reason'],
    });
  });

  it('switches a tool from mcp back to direct', async () => {
    const agent = await createAgent(emulator.current, {
      mock_tools: [{ name: 'a', served_via: { type: 'mcp', mock_index: 1 } }],
    });
    const response = await patchAgent(emulator.current, agent.id, {
      mock_tools: [{ name: 'a', served_via: { type: 'direct', mock_index: 4 } }],
    });
    expect(response.body.mock_tools[0].served_via).toEqual({
      type: 'direct',
      url: expect.stringMatching(/\/tool\/a\/$/),
    });
  });
});

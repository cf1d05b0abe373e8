import { describe, expect, it } from 'vitest';
import { createAgent, patchAgent, useEmulator } from './helpers.js';

const emulator = useEmulator();

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('dynamic variables', () => {
  it('are returned ordered by name', async () => {
    const agent = await createAgent(emulator.current, {
      dynamic_variables: [
        { name: 'zip', description: 'Postcode' },
        { name: 'account', description: 'Account number' },
      ],
    });
    expect(agent.dynamic_variables.map((variable: { name: string }) => variable.name)).toEqual(['account', 'zip']);
  });

  it('are a full set matched by name: ids ignored, omitted ones deleted, new ones created', async () => {
    const agent = await createAgent(emulator.current, {
      dynamic_variables: [
        { name: 'a', description: 'A' },
        { name: 'b', description: 'B' },
      ],
    });
    const [a] = agent.dynamic_variables;

    const response = await patchAgent(emulator.current, agent.id, {
      dynamic_variables: [
        { id: 999, name: 'a', description: 'A2' },
        { name: 'c', description: 'C' },
      ],
    });

    expect(response.status).toBe(200);
    expect(response.body.dynamic_variables).toEqual([
      { id: a.id, name: 'a', description: 'A2' },
      { id: expect.any(Number), name: 'c', description: 'C' },
    ]);
  });

  it('are left alone when absent and all deleted by an empty list', async () => {
    const agent = await createAgent(emulator.current, { dynamic_variables: [{ name: 'a', description: 'A' }] });
    expect((await patchAgent(emulator.current, agent.id, { name: 'x' })).body.dynamic_variables).toEqual(
      agent.dynamic_variables,
    );
    expect((await patchAgent(emulator.current, agent.id, { dynamic_variables: [] })).body.dynamic_variables).toEqual(
      [],
    );
  });

  it('need a name and a description, each name once', async () => {
    const agent = await createAgent(emulator.current);
    const response = await patchAgent(emulator.current, agent.id, {
      dynamic_variables: [
        { description: 'no name' },
        { name: 'a', description: '' },
        { name: 'a', description: 'again' },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      dynamic_variables: [
        { name: ['This field is required.'] },
        {},
        { name: ['Dynamic variable "a" appears more than once.'] },
      ],
    });
  });
});

describe('knowledge base files', () => {
  it('are uploaded from file_name (or name) and base64 content, a data-URI prefix accepted', async () => {
    const agent = await createAgent(emulator.current, {
      knowledge_base_files: [
        { file_name: 'faq.md', content_base64: base64('# FAQ\n') },
        { name: 'prices.csv', content_base64: `data:text/csv;base64,${base64('a,b\n1,2\n')}` },
      ],
    });
    const base = emulator.current.url;

    expect(agent.knowledge_base_files).toEqual([
      {
        id: 1,
        file_name: 'faq.md',
        file_size: 6,
        file_url: `${base}/media/knowledge_base_files/${agent.id}/1/faq.md`,
        file_type: 'text/markdown',
      },
      {
        id: 2,
        file_name: 'prices.csv',
        file_size: 8,
        file_url: `${base}/media/knowledge_base_files/${agent.id}/2/prices.csv`,
        file_type: 'text/csv',
      },
    ]);
  });

  it('are a full set by id: referenced ones kept, omitted ones deleted, absent field leaves them', async () => {
    const agent = await createAgent(emulator.current, {
      knowledge_base_files: [
        { file_name: 'a.txt', content_base64: base64('a') },
        { file_name: 'b.txt', content_base64: base64('bb') },
      ],
    });
    const [a] = agent.knowledge_base_files;

    expect((await patchAgent(emulator.current, agent.id, { name: 'x' })).body.knowledge_base_files).toEqual(
      agent.knowledge_base_files,
    );
    const response = await patchAgent(emulator.current, agent.id, {
      knowledge_base_files: [{ id: a.id }, { file_name: 'c.json', content_base64: base64('{}') }],
    });

    expect(
      response.body.knowledge_base_files.map((file: { id: number; file_name: string }) => [file.id, file.file_name]),
    ).toEqual([
      [a.id, 'a.txt'],
      [3, 'c.json'],
    ]);
    expect(
      (await patchAgent(emulator.current, agent.id, { knowledge_base_files: [] })).body.knowledge_base_files,
    ).toEqual([]);
  });

  it('reject unknown ids, bad extensions, bad base64, missing fields and repeated names', async () => {
    const agent = await createAgent(emulator.current, {
      knowledge_base_files: [{ file_name: 'a.txt', content_base64: base64('a') }],
    });

    const response = await patchAgent(emulator.current, agent.id, {
      knowledge_base_files: [
        { id: 77 },
        { file_name: 'tool.exe', content_base64: base64('x') },
        { file_name: 'b.txt', content_base64: 'not base64!' },
        { content_base64: base64('x') },
        { id: agent.knowledge_base_files[0].id },
        { file_name: 'a.txt', content_base64: base64('again') },
      ],
    });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      knowledge_base_files: [
        { id: ['Knowledge base file 77 does not belong to this agent.'] },
        { file_name: ['Unsupported file extension; use one of: pdf, txt, json, csv, xml, md.'] },
        { content_base64: ['Enter valid base64 content.'] },
        { file_name: ['This field is required.'] },
        {},
        { file_name: ['Knowledge base file "a.txt" appears more than once.'] },
      ],
    });
  });
});

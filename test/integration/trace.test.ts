import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENTS_PATH, SECRETS, startScenario, type Scenario } from './harness.js';

// Request traces (`--trace FILE`, `CEKURAFORM_TRACE`): one JSON line per request and per response,
// redacted, for bug reports against an API that behaves differently.

const MANIFEST = `project: 42
agents:
  bot:
    name: Traced Bot
    description: An agent with a secret
    provider:
      type: vapi
      agent_id: asst_1
      credentials:
        api_key: \${env:VAPI_API_KEY}
`;

interface TraceLine {
  type: 'request' | 'response';
  id: number;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  status?: number | null;
  duration_ms?: number;
  body: unknown;
}

let scenario: Scenario;
beforeEach(async () => {
  scenario = await startScenario();
  await scenario.write('agents.yaml', MANIFEST);
});
afterEach(() => scenario.close());

async function traceOf(file: string): Promise<TraceLine[]> {
  const text = await readFile(join(scenario.dir, file), 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as TraceLine);
}

describe('request traces', () => {
  it('--trace writes each request and its response as JSON lines, the secret and the key redacted', async () => {
    const applied = await scenario.apply('--trace', 'apply.jsonl');
    expect(applied.code, applied.stderr).toBe(0);

    const trace = await traceOf('apply.jsonl');
    const list = trace.find((line) => line.type === 'request' && line.method === 'GET')!;
    expect(list).toMatchObject({ path: AGENTS_PATH, query: { project_id: '42', page_size: '100' }, body: null });
    const create = trace.find((line) => line.type === 'request' && line.method === 'POST')!;
    expect(create.body).toMatchObject({
      name: 'Traced Bot',
      provider: { credentials: { api_key: '(sensitive value)' } },
    });
    const created = trace.find((line) => line.type === 'response' && line.id === create.id)!;
    expect(created).toMatchObject({ status: 201, body: { name: 'Traced Bot' } });
    expect(created.duration_ms).toBeGreaterThanOrEqual(0);
    expect(trace.filter((line) => line.type === 'request')).toHaveLength(trace.length / 2);

    const text = await readFile(join(scenario.dir, 'apply.jsonl'), 'utf8');
    expect(text).not.toContain(SECRETS.VAPI_API_KEY);
    expect(text).not.toContain(scenario.env.CEKURA_API_KEY);
    expect((await stat(join(scenario.dir, 'apply.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('CEKURAFORM_TRACE does the same, appending run after run', async () => {
    expect((await scenario.run(['plan'], { env: { CEKURAFORM_TRACE: 'runs.jsonl' } })).code).toBe(0);
    const first = (await traceOf('runs.jsonl')).length;
    expect(first).toBeGreaterThan(0);
    expect((await scenario.run(['plan'], { env: { CEKURAFORM_TRACE: 'runs.jsonl' } })).code).toBe(0);

    expect((await traceOf('runs.jsonl')).length).toBe(2 * first);
  });

  it('a trace file that cannot be written is a usage error before any request', async () => {
    scenario.emulator.clearRequests();

    const result = await scenario.plan('--trace', 'missing/trace.jsonl');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: cannot write the trace file missing/trace.jsonl');
    expect(result.stderr).not.toContain('this is a bug');
    expect(scenario.emulator.requests()).toEqual([]);
  });
});

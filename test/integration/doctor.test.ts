import { afterEach, describe, expect, it } from 'vitest';
import { API_GENERATIONS } from '../../src/cekura/generation.js';
import { EXAMPLES_MANIFEST, startScenario, type Scenario } from './harness.js';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';

let scenario: Scenario;
afterEach(() => scenario.close());

describe.each(API_GENERATIONS)('doctor against the %s API', (api) => {
  it('reports the generation, the projects and the list item shape, sending only reads', async () => {
    scenario = await startScenario({ api });
    await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
    expect((await scenario.apply()).code).toBe(0);
    scenario.emulator.clearRequests();

    const result = await scenario.run(['doctor', '--json']);

    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      status: 'ok',
      api: { url: scenario.emulator.url, source: 'env' },
      key: 'accepted',
      projects: [{ project: 42, visible: true, agents: 3 }],
      list_items: { agents: 3, missing: api === '2026-06' ? [] : ['description'] },
      toggle_offered: api === '2026-06',
      generation: api,
      mock_mode_via: api === '2026-06' ? 'toggle' : 'patch',
      rate_limit_headers: {},
      problems: [],
    });
    expect(scenario.emulator.requests().map((request) => request.method)).toEqual(['GET', 'GET']);

    const text = await scenario.run(['doctor', '--no-color']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  project 42        visible, 3 agents\n`);
    expect(text.stdout).toContain(api === '2026-06' ? 'looks like        2026-06' : 'looks like        2026-08');
    expect(text.stdout).toMatch(/Usable: yes\.\n$/);
  });
});

describe('doctor with a wrong key', () => {
  it('fails clearly, exit 1, and never shows the key', async () => {
    scenario = await startScenario();
    await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
    const wrongKey = 'ck_wrong-key-7d1e-DOCTORLEAK';

    const result = await scenario.run(['doctor', '--no-color'], { env: { CEKURA_API_KEY: wrongKey } });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('API key           rejected');
    expect(result.stdout).toContain(
      '! Cekura refused the API key (HTTP 401): check that CEKURA_API_KEY holds a valid key for this organisation',
    );
    expect(result.stdout).toMatch(/Usable: no\.\n$/);
    expect(result.stdout + result.stderr).not.toContain(wrongKey);
    expect(scenario.emulator.requests().map((request) => request.status)).toEqual([401]);
  });

  it('reports rate-limit headers the server sends', async () => {
    scenario = await startScenario();
    scenario.emulator.setFaults({ rate_limit: { count: 1, retry_after_s: 1 } });

    const result = await scenario.run(['doctor', '--json']);

    expect(JSON.parse(result.stdout).rate_limit_headers).toEqual({ 'retry-after': '1' });
  });
});

describe('doctor with the API down', () => {
  it('says first that the API cannot be reached, exit 1', async () => {
    scenario = await startScenario();
    await copyFile(EXAMPLES_MANIFEST, join(scenario.dir, 'agents.yaml'));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const result = await scenario.run(['doctor', '--no-color'], { env: { CEKURA_API_URL: url } });

    expect(result.code).toBe(1);
    const problems = result.stdout.split('\n').filter((line) => line.startsWith('! '));
    expect(problems).toEqual([
      `! the API at ${url} cannot be reached (connection refused): check the URL and that the server is up`,
    ]);
    expect(result.stdout).toMatch(/Usable: no\.\n$/);
  });
});

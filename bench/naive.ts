import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';

// The naive sequential peer the bench compares cekuraform with: what a person would script without
// a reconciler. For each agent of the manifest, one after another: look it up by name, POST it when
// missing or PATCH it (always: the script does not compare), then, when the manifest sets a mock-tool
// mode the response does not show, toggle and poll every 100 ms until the toggle completes.
// Usage: node naive.js agents.yaml, with CEKURA_API_URL, CEKURA_API_KEY and the manifest's env vars set.

interface ManifestAgent {
  mock_tools_enabled?: boolean;
  [field: string]: unknown;
}

const POLL_MS = 100;
const base = `${process.env.CEKURA_API_URL!.replace(/\/+$/, '')}/test_framework/v2/aiagents/`;
const headers = { 'X-CEKURA-API-KEY': process.env.CEKURA_API_KEY!, 'Content-Type': 'application/json' };

const text = readFileSync(process.argv[2]!, 'utf8').replace(
  /\$\{env:(\w+)\}/g,
  (_, name: string) => process.env[name]!,
);
const manifest = load(text) as { project: number; agents: Record<string, ManifestAgent> };

for (const { mock_tools_enabled: mockMode, ...fields } of Object.values(manifest.agents)) {
  const body = { ...fields, project: manifest.project };
  const found = (await call('GET', `?project_id=${manifest.project}&q=${encodeURIComponent(String(fields.name))}`)) as {
    results: { id: number; name: string }[];
  };
  const existing = found.results.find((agent) => agent.name === fields.name);
  const written = (await (existing === undefined
    ? call('POST', '', body)
    : call('PATCH', `${existing.id}/`, body))) as { id: number; mock_tools_enabled: boolean };
  if (mockMode === undefined || written.mock_tools_enabled === mockMode) continue;
  const { progress_id } = (await call('POST', `${written.id}/toggle-mock-tools/`, { enabled: mockMode })) as {
    progress_id: string;
  };
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const progress = (await call('GET', `${written.id}/toggle-mock-tools-progress/?progress_id=${progress_id}`)) as {
      status: string;
    };
    if (progress.status === 'completed') break;
    if (progress.status === 'failed') throw new Error(`toggle of ${String(fields.name)} failed`);
  }
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(base + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${answer.slice(0, 300)}`);
  return answer === '' ? null : JSON.parse(answer);
}

import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type * as Yaml from 'yaml';
import { loadManifest } from '../../src/manifest/load.js';
import { fixtureIssues } from './helpers.js';

// yaml's Document, which knows where each value is written, costs ten times the parse: loading a
// manifest with nothing to report must not build it, and a location asked for later builds it then.
const yamlCalls = vi.hoisted(() => ({ parseDocument: 0 }));
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof Yaml>();
  return {
    ...yaml,
    parseDocument: (...args: Parameters<typeof yaml.parseDocument>) => {
      yamlCalls.parseDocument += 1;
      return yaml.parseDocument(...args);
    },
  };
});

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

describe('the located yaml Document', () => {
  it('is not built for a manifest with nothing to report, and is built when a location is asked for', async () => {
    yamlCalls.parseDocument = 0;
    const manifest = await loadManifest({
      paths: ['agents.yaml'],
      cwd: EXAMPLES,
      env: { VAPI_API_KEY: 'k', RETELL_API_KEY: 'k' },
    });
    expect(yamlCalls.parseDocument).toBe(0);

    const agent = manifest.agents[0]!;
    expect(agent.locateField('/name')).toMatchObject({ file: 'agents.yaml', line: expect.any(Number) });
    expect(agent.location).toMatchObject({ file: 'agents.yaml', line: expect.any(Number) });
    expect(yamlCalls.parseDocument).toBeGreaterThan(0);
  });

  it('is built when the file has something to report', async () => {
    yamlCalls.parseDocument = 0;
    const issues = await fixtureIssues(['wrong-types.yaml']);
    expect(issues.length).toBeGreaterThan(0);
    expect(yamlCalls.parseDocument).toBeGreaterThan(0);
  });
});

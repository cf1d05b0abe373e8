import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';
import { fixtureIssues, inTempDir, loadError, loadFixture } from './helpers.js';

const ENV = { VAPI_API_KEY: 'vapi-test-key' };

describe('scratch', () => {
  it.each(['staging', 'production'])('%s', async (environment) => {
    const m = await loadFixture(['environments/two-environments.yaml'], ENV, environment);
    console.log(JSON.stringify(m, null, 1));
  });
  it.each([
    ['environments/unknown-var.yaml', 'staging'],
    ['environments/secret-var.yaml', 'staging'],
    ['environments/override-unknown-agent.yaml', 'staging'],
    ['environments/override-errors.yaml', 'production'],
    ['environments/split', 'production'],
  ])('%s', async (file, environment) => {
    try {
      const m = await loadFixture([file], ENV, environment);
      console.log(JSON.stringify(m.agents, null, 1));
    } catch (e: any) { console.log(e.message, e.hint, JSON.stringify(e.issues ?? [], null, 1)); }
  });
  it.each([undefined, 'prod', 'staging'])('%s', async (environment) => {
    for (const file of ['environments/two-environments.yaml', 'references.yaml']) {
      try {
        await loadFixture([file], ENV, environment);
      } catch (e: any) { console.log(e.constructor.name, e.message, e.hint, e.meta); }
    }
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, it } from 'vitest';
import {
  EXAMPLES_MANIFEST,
  SCENARIOS_DIR,
  SECRETS,
  startScenario,
  type RunResult,
  type Scenario,
} from '../integration/harness.js';
import { describeRun, expectNoStackTrace, fail } from './checks.js';
import { mutate, mutationArbitrary } from './mutations.js';
import { propertyParameters, propertyTimeout } from './settings.js';

// Manifest fuzzing: random hand-made mistakes in the example manifests never crash the CLI.
// `validate` and `plan` exit 0 or 1; on 1 the message is located (or names the file), no stack
// trace is printed, and nothing reached Cekura unless the manifest itself was valid.

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const RUNS = 60;

/** Errors that need live state to be found, so a valid manifest may get them after the list requests. */
const LIVE_DEPENDENT = [
  'create_incomplete',
  'binding_ambiguous',
  'binding_conflict',
  'pinned_agent_missing',
  'name_taken',
];

let scenario: Scenario;
let sources: { name: string; text: string }[];

beforeAll(async () => {
  scenario = await startScenario({ env: { LIVEKIT_API_KEY: 'livekit-fuzz-key' } });
  const fixtures = (await readdir(FIXTURES_DIR))
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => join(FIXTURES_DIR, file));
  const scenarioFiles = (await readdir(SCENARIOS_DIR, { withFileTypes: true, recursive: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => join(entry.parentPath, entry.name));
  sources = await Promise.all(
    [EXAMPLES_MANIFEST, ...scenarioFiles, ...fixtures].map(async (file) => ({
      name: file,
      text: await readFile(file, 'utf8'),
    })),
  );
});
afterAll(() => scenario.close());

it(
  'validate and plan answer every mutated manifest with exit 0 or a located error, and send nothing for a bad one',
  async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        async (sourceIndex, mutations) => {
          const source = sources[sourceIndex % sources.length]!;
          const text = mutations.reduce(mutate, source.text);
          await scenario.write('agents.yaml', text);
          const report = (run: RunResult, name: string) =>
            `source ${source.name}\n--- agents.yaml\n${text}\n${describeRun(name, run)}`;

          scenario.emulator.clearRequests();
          // --check-env: plan needs every secret's value, so validate must check them to agree with it.
          const validate = await scenario.run(['validate', '-f', 'agents.yaml', '--check-env', '--no-color']);
          expectAnswered(validate, 'validate', report);
          if (scenario.emulator.requests().length > 0) fail('validate sent a request', report(validate, 'validate'));

          scenario.emulator.clearRequests();
          const plan = await scenario.run(['plan', '-f', 'agents.yaml', '--no-color']);
          expectAnswered(plan, 'plan', report);
          const sent = scenario.emulator.requests();
          if (validate.code === 1) {
            if (plan.code !== 1 || sent.length > 0)
              fail(
                'plan of a manifest that validate rejects did not stop before sending anything',
                report(plan, 'plan'),
              );
            if (plan.stderr !== validate.stderr)
              fail(
                'plan and validate report a bad manifest differently',
                `${report(validate, 'validate')}\n${describeRun('plan', plan)}`,
              );
          } else if (plan.code === 1) {
            const json = await scenario.run(['plan', '-f', 'agents.yaml', '--json']);
            const code = (JSON.parse(json.stdout) as { error: { code: string } }).error.code;
            if (!LIVE_DEPENDENT.includes(code) || sent.some((request) => request.kind !== 'list')) {
              fail(`plan failed (${code}) for a manifest that validate accepts`, report(plan, 'plan'));
            }
            if (!/agent\.[\w-]+/.test(plan.stderr)) fail('the error does not name the agent', report(plan, 'plan'));
          }
          for (const secret of Object.values(SECRETS)) {
            if ([validate, plan].some((run) => run.stdout.includes(secret) || run.stderr.includes(secret)))
              fail('a secret value was printed', report(plan, 'plan'));
          }
        },
      ),
      propertyParameters(0x5eed_0003, RUNS),
    );
  },
  propertyTimeout(RUNS, 150),
);

/** Exit 0 or 1, never a stack trace or an internal error; an exit 1 is located or names the file. */
function expectAnswered(run: RunResult, name: string, report: (run: RunResult, name: string) => string): void {
  if (run.code !== 0 && run.code !== 1) fail(`${name} exited ${run.code}`, report(run, name));
  expectNoStackTrace(run, name);
  if (/unexpected error|this is a bug in cekuraform/.test(run.stderr))
    fail(`${name} hit an internal error`, report(run, name));
  if (run.code === 1) {
    const located = /^ {2}at agents\.yaml:\d+:\d+$/m.test(run.stderr);
    const fileLevel = /^error: .*agents\.yaml/m.test(run.stderr);
    const liveDependent = name === 'plan' && /^error: agent\.[\w-]+/m.test(run.stderr);
    if (!located && !fileLevel && !liveDependent) fail(`${name} failed without a located message`, report(run, name));
  }
}

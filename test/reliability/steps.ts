import fc from 'fast-check';
import type { WireAgent } from '../../src/api/types.js';
import type { Plan } from '../../src/plan/types.js';
import { startScenario, type RunResult, type Scenario, type ScenarioOptions } from '../integration/harness.js';
import { describeRun, expectNoStackTrace, fail, parsePlan, PropertyFailure } from './checks.js';
import { applyDrift, driftOpArbitrary, type DriftOp } from './drift.js';
import { manifestArbitrary, MODEL_ENV, renderManifest, type ManifestModel } from './model.js';

// A case is a few steps; each step changes Cekura out of band, then writes the next manifest and
// plans. The properties decide what to run and check after that.

export interface Step {
  /** Sent to the emulator before the manifest is written (the first step's run on an empty Cekura). */
  drift: DriftOp[];
  manifest: ManifestModel;
}

export const stepsArbitrary: fc.Arbitrary<Step[]> = fc.array(
  fc.record({ drift: fc.array(driftOpArbitrary, { maxLength: 4 }), manifest: manifestArbitrary }),
  { minLength: 1, maxLength: 3 },
);

/** Errors a plan may end with for a generated manifest, each refusing before anything is sent. */
export const EXPECTED_REFUSALS: { code: string; message: RegExp; why: string }[] = [
  {
    code: 'create_incomplete',
    message: /needs a description/,
    why: 'a new agent without `description:` (the generator leaves it out now and then)',
  },
  { code: 'binding_ambiguous', message: /agents named/, why: 'drift made a second agent of a name an address adopts' },
  {
    code: 'binding_conflict',
    message: /but the manifest puts it in project/,
    why: 'the manifest moved a bound agent to another project',
  },
  { code: 'name_taken', message: /would be renamed to/, why: 'a rename to the name of an agent no address manages' },
];

/** What one step saw before its apply. */
export interface Planned {
  yaml: string;
  /** Live agents right before the apply. */
  before: WireAgent[];
  /** The plan `plan --json` printed; absent when the plan was refused. */
  plan?: Plan;
  refusal?: { code: string; message: string };
}

/** A scenario with the models' secrets in its environment, and a transcript for failure reports. */
export interface CaseRun {
  scenario: Scenario;
  transcript: string[];
}

export async function withCase<T>(options: ScenarioOptions, body: (run: CaseRun) => Promise<T>): Promise<T> {
  const scenario = await startScenario({ ...options, env: { ...MODEL_ENV, ...options.env } });
  const run: CaseRun = { scenario, transcript: [] };
  try {
    return await body(run);
  } catch (error) {
    if (error instanceof Error) error.message += `\n\n=== transcript\n${run.transcript.join('\n')}`;
    throw error;
  } finally {
    await scenario.close();
  }
}

/** Drift, then the manifest, then `plan --json`; a refusal must be one of `EXPECTED_REFUSALS` and must send nothing. */
export async function driftAndPlan(run: CaseRun, step: Step, index: number): Promise<Planned> {
  const { scenario, transcript } = run;
  const drift = await applyDrift(scenario, step.drift);
  transcript.push(`=== step ${index}: drift ${JSON.stringify(drift)}`);
  const yaml = renderManifest(step.manifest);
  transcript.push(`--- agents.yaml\n${yaml}`);
  await scenario.write('agents.yaml', yaml);

  scenario.emulator.clearRequests();
  const before = scenario.emulator.agents();
  const planRun = await scenario.run(['plan', '--json']);
  expectNoStackTrace(planRun, `step ${index} plan`);
  if (planRun.code === 0) return { yaml, before, plan: parsePlan(planRun) };

  transcript.push(describeRun('plan --json', planRun));
  const refusal = refusalOf(planRun);
  if (!EXPECTED_REFUSALS.some(({ code, message }) => code === refusal.code && message.test(refusal.message))) {
    fail(`step ${index}: plan failed unexpectedly (${refusal.code})`, describeRun('plan --json', planRun));
  }
  if (!/agent\.[\w-]+/.test(refusal.message)) fail(`step ${index}: the refusal does not name the agent`, refusal);
  const apply = await scenario.apply();
  expectNoStackTrace(apply, `step ${index} refused apply`);
  if (apply.code !== 1 || scenario.writes().length > 0)
    fail(`step ${index}: apply of a refused plan did not stop before sending anything`, describeRun('apply', apply));
  return { yaml, before, refusal };
}

function refusalOf(run: RunResult): { code: string; message: string } {
  try {
    const parsed = JSON.parse(run.stdout) as { status: string; error: { code: string; message: string } };
    if (parsed.status === 'error') return parsed.error;
  } catch {
    // Reported below.
  }
  return fail('a failed plan --json did not print an error document', describeRun('plan --json', run));
}

export { PropertyFailure };

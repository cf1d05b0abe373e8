import fc from 'fast-check';
import { it } from 'vitest';
import type { FaultsPatch } from '../../src/emulator/faults.js';
import { REQUEST_KINDS, type RequestKind } from '../../src/emulator/types.js';
import type { RunResult, Scenario } from '../integration/harness.js';
import {
  describeRun,
  expectConverged,
  expectLiveMatchesModel,
  expectNoAgentMadeTwice,
  expectNoDuplicateAgents,
  expectNoStackTrace,
  expectNothingLost,
  expectSoundRecord,
  fail,
  parsePlan,
} from './checks.js';
import { propertyParameters, propertyTimeout } from './settings.js';
import { driftAndPlan, stepsArbitrary, withCase, type CaseRun, type Step } from './steps.js';

// The convergence property under injected faults: 429s, 5xx, commit-then-504, connections dropped
// before or after the commit, toggles that are slow, fail or never finish. Each apply converges or
// exits 1 naming the agent that failed; an apply with the faults cleared then converges. Never a
// second agent of a managed name, never a kept tool lost, never a state record that lies.

const RUNS = 12;
/** Short, so a toggle that never finishes costs few polls (time is the harness's fake clock anyway). */
const TOGGLE_TIMEOUT = '60s';

interface ToggleFaultChoice {
  /** Position among the live agents' ids followed by the next ids the emulator will give. */
  slot: number;
  outcome: 'fail' | 'hang';
}

interface FaultChoice {
  patch: FaultsPatch;
  toggles: ToggleFaultChoice[];
}

const kinds = fc.option(
  fc.subarray<RequestKind>([...REQUEST_KINDS.filter((kind) => kind !== 'other')], { minLength: 1 }),
  { nil: undefined },
);
const writeKinds = fc.option(fc.subarray<RequestKind>(['create', 'update', 'delete', 'toggle'], { minLength: 1 }), {
  nil: undefined,
});
const count = (max: number) => fc.integer({ min: 1, max });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

const faultArbitrary: fc.Arbitrary<FaultChoice> = fc.record({
  patch: fc
    .record({
      rate_limit: maybe(fc.record({ count: count(3), retry_after_s: fc.integer({ min: 0, max: 5 }), kinds })),
      errors: maybe(
        fc.record({
          count: count(3),
          status: fc.constantFrom(500 as const, 502 as const, 503 as const, 504 as const),
          kinds,
        }),
      ),
      commit_then_504: maybe(fc.record({ count: count(2), kinds: writeKinds })),
      drop: maybe(fc.record({ count: count(2), kinds, after_commit: fc.boolean() })),
    })
    .map((patch) => JSON.parse(JSON.stringify(patch)) as FaultsPatch),
  toggles: fc.array(
    fc.record({ slot: fc.nat({ max: 5 }), outcome: fc.constantFrom('fail' as const, 'hang' as const) }),
    { maxLength: 2 },
  ),
});

const caseArbitrary = fc.record({
  toggleDurationMs: fc.constantFrom(0, 0, 20_000),
  steps: stepsArbitrary.chain((steps) =>
    fc
      .tuple(...steps.map(() => faultArbitrary))
      .map((faults) => steps.map((step, index) => ({ step, faults: faults[index]! }))),
  ),
});

it(
  'apply under injected faults converges or fails naming the agent, and converges once the faults are gone',
  async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, ({ toggleDurationMs, steps }) =>
        withCase({ toggleDurationMs }, async (run) => {
          let maxId = 0;
          for (const [index, { step, faults }] of steps.entries()) {
            const planned = await driftAndPlan(run, step, index);
            maxId = Math.max(maxId, ...planned.before.map((agent) => agent.id));
            if (planned.plan === undefined) continue;

            const patch = withToggleFaults(run.scenario, faults, maxId);
            run.transcript.push(`--- faults ${JSON.stringify(patch)}`);
            run.scenario.emulator.clearRequests();
            run.scenario.emulator.setFaults(patch);
            const faulted = await run.scenario.apply('--toggle-timeout', TOGGLE_TIMEOUT);
            run.scenario.emulator.clearFaults();
            run.transcript.push(describeRun('apply under faults', faulted));
            maxId = Math.max(maxId, ...run.scenario.emulator.agents().map((agent) => agent.id));

            const context = `step ${index} (faults)`;
            expectNoStackTrace(faulted, context);
            expectFailureNamed(run.scenario, faulted, context);
            const after = run.scenario.emulator.agents();
            expectNothingLost(planned.plan, planned.before, after, context);
            expectNoAgentMadeTwice(planned.plan, planned.before, after, context);
            const record = await expectSoundRecord(run.scenario, step.manifest, context);

            if (faulted.code === 0) {
              expectLiveMatchesModel(run.scenario, step.manifest, record, context);
              await expectConverged(run.scenario, context);
            } else {
              await applyAgain(run, step, index);
            }
          }
        }),
      ),
      propertyParameters(0x5eed_0002, RUNS),
    );
  },
  propertyTimeout(RUNS, 2_500),
);

/** The patch with toggle faults on agents picked among the live ones and those the apply may create. */
function withToggleFaults(scenario: Scenario, faults: FaultChoice, maxId: number): FaultsPatch {
  if (faults.toggles.length === 0) return faults.patch;
  const candidates = [
    ...scenario.emulator
      .agents()
      .map((agent) => agent.id)
      .sort((a, b) => a - b),
    maxId + 1,
    maxId + 2,
    maxId + 3,
  ];
  const toggles = Object.fromEntries(
    faults.toggles.map(({ slot, outcome }) => [
      String(candidates[slot % candidates.length]),
      outcome === 'fail' ? { outcome, error: 'Provider refused to switch mock tools (emulated).' } : { outcome },
    ]),
  );
  return { ...faults.patch, toggles };
}

/** Exit 0, or exit 1 with each failed agent named with what failed, or a run-wide error before any write. */
function expectFailureNamed(scenario: Scenario, run: RunResult, context: string): void {
  if (run.code === 0) return;
  if (run.code !== 1) fail(`${context}: apply exited ${run.code}`, describeRun('apply', run));
  const failedLines = run.stdout.match(/^ {2}agent\.[\w-]+: .+ failed: .+$/gm) ?? [];
  if (run.stdout.includes('Failed:')) {
    if (failedLines.length === 0) fail(`${context}: apply failed without naming the agent`, describeRun('apply', run));
    return;
  }
  if (!/^error: .+/m.test(run.stderr)) fail(`${context}: apply exited 1 without saying why`, describeRun('apply', run));
  const writes = scenario.requestsOf('create', 'update', 'delete', 'toggle');
  if (writes.length > 0)
    fail(
      `${context}: a run-wide error after writes were sent`,
      `${describeRun('apply', run)}\nwrites: ${JSON.stringify(writes)}`,
    );
}

/** After a failed apply, the same manifest with no faults converges, still losing nothing. */
async function applyAgain(run: CaseRun, step: Step, index: number): Promise<void> {
  const { scenario, transcript } = run;
  const context = `step ${index} (again, no faults)`;
  const before = scenario.emulator.agents();
  const planRun = await scenario.run(['plan', '--json']);
  if (planRun.code !== 0) fail(`${context}: plan failed after a faulted apply`, describeRun('plan --json', planRun));
  const plan = parsePlan(planRun);
  const again = await scenario.apply('--toggle-timeout', TOGGLE_TIMEOUT);
  transcript.push(describeRun('apply again', again));
  expectNoStackTrace(again, context);
  if (again.code !== 0)
    fail(`${context}: apply did not converge once the faults were gone`, describeRun('apply', again));
  const after = scenario.emulator.agents();
  expectNothingLost(plan, before, after, context);
  expectNoDuplicateAgents(step.manifest, before, after, context);
  const record = await expectSoundRecord(scenario, step.manifest, context);
  expectLiveMatchesModel(scenario, step.manifest, record, context);
  await expectConverged(scenario, context);
}

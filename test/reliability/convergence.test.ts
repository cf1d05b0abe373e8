import fc from 'fast-check';
import { it } from 'vitest';
import {
  describeRun,
  expectConverged,
  expectLiveMatchesModel,
  expectNoDuplicateAgents,
  expectNoStackTrace,
  expectNothingLost,
  expectSoundRecord,
  fail,
} from './checks.js';
import { propertyParameters, propertyTimeout } from './settings.js';
import { driftAndPlan, stepsArbitrary, withCase } from './steps.js';

// Convergence: whatever the manifest becomes and whatever was changed in Cekura meanwhile, apply
// followed by plan is empty, nothing the plan does not delete disappears, and Cekura then holds
// what the manifest says.

const RUNS = 12;

it(
  'apply converges from any manifest and drift, losing nothing outside the plan',
  async () => {
    await fc.assert(
      fc.asyncProperty(stepsArbitrary, (steps) =>
        withCase({}, async (run) => {
          const { scenario, transcript } = run;
          for (const [index, step] of steps.entries()) {
            const planned = await driftAndPlan(run, step, index);
            if (planned.plan === undefined) continue;

            scenario.emulator.clearRequests();
            const applied = await scenario.apply();
            transcript.push(describeRun('apply', applied));
            expectNoStackTrace(applied, `step ${index} apply`);
            if (applied.code !== 0)
              fail(`step ${index}: apply failed without any fault injected`, describeRun('apply', applied));

            const after = scenario.emulator.agents();
            expectNothingLost(planned.plan, planned.before, after, `step ${index}`);
            expectNoDuplicateAgents(step.manifest, planned.before, after, `step ${index}`);
            const record = await expectSoundRecord(scenario, step.manifest, `step ${index}`);
            expectLiveMatchesModel(scenario, step.manifest, record, `step ${index}`);
            await expectConverged(scenario, `step ${index}`);
          }
        }),
      ),
      propertyParameters(0x5eed_0001, RUNS),
    );
  },
  propertyTimeout(RUNS, 1_500),
);

import { configDefaults, defineConfig } from 'vitest/config';

// Lanes, by what a test needs; `npm run test:unit` runs the first alone, `npm test` all of them.
// No test keeps state in a module (no module singletons, no vi.mock, no global dispatcher; each test
// starts its own servers), so each worker shares one module graph across files (`isolate: false`)
// instead of loading the CLI, the emulator and zod afresh for every file.
const HTTP = ['test/emulator/**/*.test.ts', 'test/api/transport.test.ts'];
const INTEGRATION = ['test/integration/**/*.test.ts', 'test/bench/**/*.test.ts'];
const RELIABILITY = ['test/reliability/**/*.test.ts'];
const PACKAGE = ['test/package/**/*.test.ts'];

export default defineConfig({
  test: {
    // Both cores of a CI machine.
    maxWorkers: 2,
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        // Everything else: planner tables, goldens, manifest fixtures, the client against bare servers and
        // MockAgent, apply against a fake API. A new test folder lands here unless a lane below claims it.
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...HTTP, ...INTEGRATION, ...RELIABILITY, ...PACKAGE],
        },
      },
      {
        extends: true,
        // The emulator over HTTP, and the client's timeouts (undici checks them about once a second).
        test: { name: 'http', include: HTTP },
      },
      {
        extends: true,
        // The CLI in process against the emulator, end to end, and the request counts the benchmark reports.
        test: { name: 'integration', include: INTEGRATION },
      },
      {
        extends: true,
        // Fixed-seed property runs (test/reliability/README.md); CEKURAFORM_PROPERTY_RUNS makes them longer.
        test: { name: 'reliability', include: RELIABILITY },
      },
      {
        extends: true,
        // `npm pack`, installed into a temp project (npm cache, registry on a miss), run through npx. One
        // slow file on one worker while the other lanes share the other; not in `npm run test:unit`.
        test: { name: 'package', include: PACKAGE },
      },
    ],
  },
});

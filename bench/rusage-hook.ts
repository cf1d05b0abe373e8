import { writeFileSync } from 'node:fs';

// Preloaded into the CLI process (`node --import <this> bin/cekuraform.js …`): when the process
// exits, writes its own resource usage (getrusage(RUSAGE_SELF): every thread, so GC and libuv
// workers count) to the file named by CEKURAFORM_BENCH_RUSAGE. Nothing else changes in the run.

/** What the hook writes. */
export interface RusageReport {
  /** CPU time in user mode, microseconds. */
  userMicros: number;
  /** CPU time in kernel mode, microseconds. */
  systemMicros: number;
  /** Peak resident set size, KiB. */
  maxRssKiB: number;
}

const target = process.env.CEKURAFORM_BENCH_RUSAGE;
if (target !== undefined && target !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const report: RusageReport = {
      userMicros: usage.userCPUTime,
      systemMicros: usage.systemCPUTime,
      maxRssKiB: usage.maxRSS,
    };
    writeFileSync(target, JSON.stringify(report));
  });
}

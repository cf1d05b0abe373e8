#!/usr/bin/env node
// A plain copy of the environment, read once: every read of the live one is a native call, and the
// yaml parser reads process.env.LOG_TOKENS for each token (a second of CPU for a 4 MB manifest).
process.env = { ...process.env };
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));

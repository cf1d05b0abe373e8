// `npm run demo`: the whole loop against the embedded emulator — plan, apply, and a plan that must
// come back empty. Runs the built CLI (`npm install` builds it) exactly as a user would.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_DEFAULT_API_KEY, startEmulator } from '../dist/emulator/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = 'examples/agents.yaml';

const emulator = await startEmulator({ port: 0, dataFile: null, toggleDurationMs: 1500 });
const workdir = await mkdtemp(join(tmpdir(), 'cekuraform-demo-'));
const state = join(workdir, 'demo.state.json');
const env = {
  ...process.env,
  CEKURA_API_URL: emulator.url,
  CEKURA_API_KEY: EMULATOR_DEFAULT_API_KEY,
  // The example manifest reads provider keys from the environment; the emulator accepts any.
  VAPI_API_KEY: 'demo-vapi-key',
  RETELL_API_KEY: 'demo-retell-key',
};

const steps = [
  ['plan', '-f', manifest, '--state', state],
  ['apply', '-f', manifest, '--state', state, '--auto-approve'],
  // --detailed-exitcode: exit 2 would mean the loop did not converge.
  ['plan', '-f', manifest, '--state', state, '--detailed-exitcode'],
];

let exitCode = 0;
try {
  console.log(`Cekura emulator listening on ${emulator.url} (in memory; stopped when the demo ends)`);
  for (const args of steps) {
    console.log(`\n$ cekuraform ${args.join(' ').replace(state, '<temp>/demo.state.json')}`);
    const code = await runCli(args);
    if (code !== 0) {
      console.error(`\ndemo: \`cekuraform ${args[0]}\` exited with ${code}`);
      exitCode = 1;
      break;
    }
  }
} finally {
  await emulator.close();
  await rm(workdir, { recursive: true, force: true });
}
process.exitCode = exitCode;

function runCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/cekuraform.js'), ...args], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

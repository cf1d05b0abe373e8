// What `cekuraform <command> --help` adds after the options: the environment variables the command
// reads, its exit codes and one example. One table, so the commands' help texts stay alike.

interface CommandHelp {
  env: readonly string[];
  exitCodes: readonly string[];
  example: string;
}

const API_ENV = [
  'CEKURA_API_URL    Cekura API base URL (--api-url wins; default https://api.cekura.ai)',
  'CEKURA_API_KEY    the API key, sent as X-CEKURA-API-KEY; never taken from a flag',
] as const;
const MANIFEST_ENV = 'NAME              each ${env:NAME} the manifest uses (secrets and other values)';
const OUTPUT_ENV = [
  'CEKURAFORM_DEBUG  1: trace each request (method, path, status, time) to stderr',
  'NO_COLOR          set: no colour',
] as const;
const OK_OR_ERROR = ['0  success', '1  error (the message says what and how to fix it)'] as const;

const HELP: Record<string, CommandHelp> = {
  plan: {
    env: [...API_ENV, MANIFEST_ENV, ...OUTPUT_ENV],
    exitCodes: [
      '0  no changes, or changes without --detailed-exitcode',
      '1  error',
      '2  changes, with --detailed-exitcode',
    ],
    example: 'cekuraform plan --env staging --out staging.plan',
  },
  apply: {
    env: [
      ...API_ENV,
      MANIFEST_ENV,
      'CI                set: plain progress lines instead of a live task list',
      ...OUTPUT_ENV,
    ],
    exitCodes: [
      '0  every agent applied',
      '1  error, or an agent failed (`Apply failed: …` lists what was done)',
      '130  interrupted (Ctrl-C)',
    ],
    example: 'cekuraform apply --env production --auto-approve',
  },
  destroy: {
    env: [...API_ENV, ...OUTPUT_ENV],
    exitCodes: ['0  every owned agent deleted', '1  error, or a delete failed', '130  interrupted (Ctrl-C)'],
    example: 'cekuraform destroy --env staging',
  },
  show: {
    env: ['NO_COLOR          set: no colour'],
    exitCodes: OK_OR_ERROR,
    example: 'cekuraform show staging.plan --markdown',
  },
  version: { env: [], exitCodes: ['0  printed'], example: 'cekuraform version --json' },
  validate: {
    env: [
      `${MANIFEST_ENV.replace('(secrets and other values)', '(secrets only with --check-env)')}`,
      'NO_COLOR          set: no colour',
    ],
    exitCodes: ['0  the manifest is valid', '1  it is not (every issue with file:line:col)'],
    example: 'cekuraform validate -f agents/ --env production',
  },
  doctor: {
    env: [...API_ENV, ...OUTPUT_ENV],
    exitCodes: ['0  the API is usable', '1  it is not (each check says why)'],
    example: 'cekuraform doctor --env staging',
  },
  schema: { env: [], exitCodes: OK_OR_ERROR, example: 'cekuraform schema > schema/manifest.schema.json' },
  emulator: {
    env: [],
    exitCodes: ['0  stopped by Ctrl-C', '1  could not listen or read --data'],
    example: 'cekuraform emulator --port 4010 --in-memory',
  },
  'force-unlock': { env: [], exitCodes: OK_OR_ERROR, example: 'cekuraform force-unlock --env production' },
  export: {
    env: [...API_ENV, ...OUTPUT_ENV],
    exitCodes: OK_OR_ERROR,
    example: 'cekuraform export --project 42 -o cekura.yaml',
  },
  import: {
    env: [...API_ENV, MANIFEST_ENV, ...OUTPUT_ENV],
    exitCodes: OK_OR_ERROR,
    example: 'cekuraform import agent.support-bot 101',
  },
  'state list': { env: [], exitCodes: OK_OR_ERROR, example: 'cekuraform state list --env production' },
  'state show': { env: [], exitCodes: OK_OR_ERROR, example: 'cekuraform state show agent.support-bot' },
  'state rm': { env: [], exitCodes: OK_OR_ERROR, example: 'cekuraform state rm agent.legacy-bot' },
  'state mv': { env: [], exitCodes: OK_OR_ERROR, example: 'cekuraform state mv agent.bot agent.front-desk' },
};

/** The text after the options in `--help` of the command at `path` (`state rm`); empty for a group. */
export function helpFooter(path: string): string {
  const help = HELP[path];
  if (help === undefined) return '';
  const section = (title: string, lines: readonly string[]) =>
    lines.length === 0 ? [] : ['', `${title}:`, ...lines.map((line) => `  ${line}`)];
  return [
    ...section('Environment variables', help.env),
    ...section('Exit codes', help.exitCodes),
    ...section('Example', [help.example]),
  ].join('\n');
}

/** Every command path the help table covers; a test holds the CLI's commands to it. */
export const HELP_PATHS = Object.keys(HELP);

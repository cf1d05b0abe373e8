import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseArgs, type ParsedCommand } from '../../src/cli/args.js';
import type { CliIo } from '../../src/cli/io.js';

// examples/ci/github-actions.yml: it parses, its jobs are wired as the README says, and every
// `npx cekuraform …` it runs is a command line our CLI accepts.

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
}

interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  env?: Record<string, string>;
  strategy?: { matrix: { include: { environment: string }[] } };
  steps: Step[];
}

const workflow = parse(await readFile(new URL('../../examples/ci/github-actions.yml', import.meta.url), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};

const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/repo' };

/** Each `npx cekuraform …` of a job's scripts, as argv, with the job's `$ENVIRONMENT` filled in. */
function cekuraformCommands(job: Job, environment: string): string[][] {
  const scripts = job.steps.flatMap((step) => (step.run === undefined ? [] : [step.run]));
  return scripts.flatMap((script) =>
    [...script.matchAll(/npx cekuraform ([^\n>|;&]+)/g)].map((match) =>
      match[1]!
        .trim()
        .split(/\s+/)
        .map((word) => word.replace(/^"|"$/g, '').replace('$ENVIRONMENT', environment)),
    ),
  );
}

function parsedCommands(name: string): ParsedCommand[] {
  const job = workflow.jobs[name]!;
  const environments = job.strategy?.matrix.include.map((entry) => entry.environment) ?? [
    job.env?.ENVIRONMENT ?? 'production',
  ];
  return environments.flatMap((environment) =>
    cekuraformCommands(job, environment).map((argv) => parseArgs(argv, io, '1')),
  );
}

describe('examples/ci/github-actions.yml', () => {
  it('runs on pull requests, merges to main, a schedule and by hand', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    expect(workflow.on.push).toEqual({ branches: ['main'] });
  });

  it('plans on pull requests, applies staging on merge, promotes an approved saved plan, and checks drift', () => {
    const { jobs } = workflow;
    expect(Object.keys(jobs).sort()).toEqual(['apply-production', 'apply-staging', 'drift', 'plan', 'plan-production']);
    expect(jobs['plan-production']!.needs).toBe('apply-staging');
    expect(jobs['apply-production']).toMatchObject({
      needs: 'plan-production',
      environment: 'production',
      if: "needs.plan-production.outputs.changes == 'true'",
    });
    expect(jobs.plan!.steps.some((step) => step.uses?.startsWith('marocchino/sticky-pull-request-comment@'))).toBe(
      true,
    );
    expect(jobs.drift!.steps.some((step) => step.run?.includes('gh issue create'))).toBe(true);
  });

  it('runs commands our CLI accepts', () => {
    const summary = (name: string) =>
      parsedCommands(name).map((command) => {
        if (command.command === 'plan')
          return [
            'plan',
            { markdown: command.args.markdown, detailedExitcode: command.args.detailedExitcode, out: command.args.out },
          ];
        if (command.command === 'apply')
          return ['apply', { autoApprove: command.args.autoApprove, planFile: command.args.planFile }];
        return [command.command];
      });

    expect(summary('plan')).toEqual([
      ['plan', { markdown: true, detailedExitcode: true, out: undefined }],
      ['plan', { markdown: true, detailedExitcode: true, out: undefined }],
    ]);
    expect(summary('apply-staging')).toEqual([['apply', { autoApprove: true, planFile: undefined }]]);
    expect(summary('plan-production')).toEqual([
      ['plan', { markdown: false, detailedExitcode: true, out: 'production.plan' }],
    ]);
    expect(summary('apply-production')).toEqual([['apply', { autoApprove: false, planFile: 'saved/production.plan' }]]);
    expect(summary('drift')).toEqual([
      ['plan', { markdown: true, detailedExitcode: true, out: undefined }],
      ['plan', { markdown: true, detailedExitcode: true, out: undefined }],
    ]);
  });

  it('names an environment in every command and serializes every job that reads or writes its record', () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const environments = job.strategy?.matrix.include.map((entry) => entry.environment) ?? [
        job.env?.ENVIRONMENT ?? 'production',
      ];
      for (const environment of environments) {
        for (const argv of cekuraformCommands(job, environment))
          expect(argv.slice(argv.indexOf('--env'), argv.indexOf('--env') + 2), name).toEqual(['--env', environment]);
      }
    }
    const groups = Object.fromEntries(Object.entries(workflow.jobs).map(([name, job]) => [name, job.concurrency]));
    expect(groups).toEqual({
      plan: {
        group: 'cekuraform-pr-${{ github.event.pull_request.number }}-${{ matrix.environment }}',
        'cancel-in-progress': true,
      },
      'apply-staging': { group: 'cekuraform-staging', 'cancel-in-progress': false },
      'plan-production': { group: 'cekuraform-production', 'cancel-in-progress': false },
      'apply-production': { group: 'cekuraform-production', 'cancel-in-progress': false },
      drift: { group: 'cekuraform-${{ matrix.environment }}', 'cancel-in-progress': false },
    });
  });

  it('takes the API key from the secret store only', () => {
    for (const job of Object.values(workflow.jobs)) expect(job.env?.CEKURA_API_KEY).toMatch(/^\$\{\{ secrets(\.|\[)/);
  });
});

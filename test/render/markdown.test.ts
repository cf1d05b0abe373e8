import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKDOWN_MAX_LENGTH, renderPlanMarkdown } from '../../src/render/markdown.js';
import { largePlan, planScenarios } from './scenarios.js';

const goldenScenarios = [
  'create-with-tools',
  'update-with-items',
  'drift-and-conflict',
  'prune-deletes',
  'no-changes',
  'markdown-escaping',
  'environment-production',
  'mock-mode-by-patch',
  'long-values',
  'item-deletions',
];

describe('renderPlanMarkdown', () => {
  it.each(goldenScenarios)('%s', async (name) => {
    await expect(renderPlanMarkdown(planScenarios[name]!)).toMatchFileSnapshot(`golden/${name}.md`);
  });

  it('leaves out the details of the largest agents first, keeping the table and summary', async () => {
    const markdown = renderPlanMarkdown(largePlan(6, 8), { maxLength: 4_000 });
    expect(markdown.length).toBeLessThanOrEqual(4_000);
    expect(markdown).toContain('The details of 3 agent(s), the largest first, are left out');
    for (let index = 0; index < 6; index++) expect(markdown).toContain(`| agent.bot-00${index} |`);
    await expect(markdown).toMatchFileSnapshot('golden/over-size-limit.md');
  });

  it('over the limit, folds more unchanged context first, before leaving any agent out', () => {
    const plan = planScenarios['long-values']!;
    const full = renderPlanMarkdown(plan);
    expect(full).toContain('(3 unchanged lines hidden)');
    const folded = renderPlanMarkdown(plan, { maxLength: full.length - 1 });
    expect(folded.length).toBeLessThan(full.length);
    expect(folded).not.toContain('left out');
    expect(folded).toContain('(5 unchanged lines hidden)');
    expect(folded).toContain('[-100-]{+500+}');
  });

  it('keeps every detail when the comment fits exactly, and drops one a character sooner', () => {
    const plan = largePlan(3, 4);
    const full = renderPlanMarkdown(plan);
    expect(renderPlanMarkdown(plan, { maxLength: full.length })).toBe(full);
    const shorter = renderPlanMarkdown(plan, { maxLength: full.length - 1 });
    expect(shorter.length).toBeLessThanOrEqual(full.length - 1);
    expect(shorter).toContain('The details of 1 agent(s)');
  });

  it("stays under GitHub's comment limit by default", () => {
    const plan = largePlan(40, 60);
    const markdown = renderPlanMarkdown(plan);
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MARKDOWN_MAX_LENGTH);
    expect(markdown).toMatch(
      /The details of \d+ agent\(s\), the largest first, are left out to keep this comment under 65000 characters/,
    );
    expect(markdown.split('<details>').length - 1).toBeGreaterThan(0);
    expect(markdown).toContain('| agent.bot-039 |');
  });

  it('cuts the comment at a line and says so when even the table is too long', () => {
    const markdown = renderPlanMarkdown(largePlan(200, 1), { maxLength: 3_000 });
    expect(markdown.length).toBeLessThanOrEqual(3_000);
    expect(markdown).toMatch(
      /This comment was cut to stay under 3000 characters: its last \d+ of \d+ lines are left out/,
    );
    const [, leftOut, total] = /its last (\d+) of (\d+) lines/.exec(markdown)!.map(Number);
    const shownLines = markdown.slice(0, markdown.indexOf('\n\n_This comment was cut')).split('\n').length;
    expect(shownLines + leftOut!).toBe(total);
    expect(markdown).toContain('`cekuraform plan --json` for every value');
    expect(markdown).not.toContain('<details>');
  });
});

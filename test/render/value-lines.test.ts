import { describe, expect, it } from 'vitest';
import { fieldChangeLines, FULL_CONTEXT, TIGHT_CONTEXT } from '../../src/render/value-lines.js';
import { add, replace } from './builders.js';

const sentence = (limit: string): string =>
  `You are the billing assistant for Acme. Always confirm the account holder first, and never approve a refund above ${limit} without a supervisor. Keep answers short and friendly.`;
const numbered = (count: number, changed: number, text: string): string =>
  Array.from({ length: count }, (_, index) => (index === changed ? text : `line ${index + 1}`)).join('\n');

describe('fieldChangeLines', () => {
  it('keeps a short change on one line', () => {
    expect(fieldChangeLines('language', replace('/language', 'en', 'de'), 1, FULL_CONTEXT)).toEqual([
      { kind: 'update', depth: 1, text: 'language: "en" → "de"' },
    ]);
  });

  it('shows one changed word of a long string as a word diff, unchanged words folded around it', () => {
    const lines = fieldChangeLines(
      'description',
      replace('/description', sentence('100 USD'), sentence('500 USD')),
      1,
      FULL_CONTEXT,
    );
    expect(lines.map((line) => [line.kind, line.depth, line.text])).toEqual([
      [
        'update',
        1,
        'description: "… and never approve a refund above [-100-]{+500+} USD without a supervisor. Keep answers …" (word diff, 176 chars)',
      ],
    ]);
    expect(lines[0]!.spans!.filter((span) => span.kind !== 'same')).toEqual([
      { kind: 'delete', text: '[-100-]' },
      { kind: 'create', text: '{+500+}' },
    ]);
    const tight = fieldChangeLines('d', replace('/d', sentence('100 USD'), sentence('500 USD')), 1, TIGHT_CONTEXT);
    expect(tight[0]!.text).toBe('d: "… refund above [-100-]{+500+} USD without …" (word diff, 176 chars)');
  });

  it('shows a long string that mostly changed whole, before and after, never cut', () => {
    const before = 'a'.repeat(300);
    const after = 'b'.repeat(5000);
    expect(fieldChangeLines('note', replace('/note', before, after), 1, FULL_CONTEXT)).toEqual([
      { kind: 'update', depth: 1, text: 'note:' },
      { kind: 'delete', depth: 2, text: JSON.stringify(before) },
      { kind: 'create', depth: 2, text: JSON.stringify(after) },
    ]);
  });

  it('word-diffs only the sentences that changed, and shows a sentence with too many edits old and new whole', () => {
    const words = (count: number, word: (index: number) => string): string =>
      Array.from({ length: count }, (_, index) => word(index)).join(' ') + '.';
    const unchanged = Array.from({ length: 20 }, (_, index) => words(100, (word) => `s${index}w${word}`));
    const churned = (mark: string): string => words(600, (word) => (word % 2 === 0 ? `${mark}${word}` : `keep${word}`));
    const text = (limit: string, mark: string): string =>
      [...unchanged.slice(0, 10), sentence(limit), ...unchanged.slice(10), churned(mark)].join(' ');
    const [line] = fieldChangeLines(
      'd',
      replace('/d', text('100 USD', 'old'), text('500 USD', 'new')),
      1,
      FULL_CONTEXT,
    );
    const marked = line!.spans!.filter((span) => span.kind !== 'same').map((span) => span.text);
    expect(marked).toEqual(['[-100-]', '{+500+}', `[-${churned('old')}-]`, `{+${churned('new')}+}`]);
    expect(line!.text.length).toBeLessThan(2 * churned('old').length + 1000);
  });

  it('shows a multi-line string as a line diff, folding unchanged lines beyond the context', () => {
    const lines = fieldChangeLines(
      'script',
      replace('/script', numbered(20, 9, 'line 10'), numbered(20, 9, 'line ten')),
      1,
      FULL_CONTEXT,
    );
    expect(lines.map((line) => [line.kind, line.text])).toEqual([
      ['update', 'script: (line diff)'],
      ['note', '(6 unchanged lines hidden)'],
      ['same', 'line 7'],
      ['same', 'line 8'],
      ['same', 'line 9'],
      ['delete', 'line 10'],
      ['create', 'line ten'],
      ['same', 'line 11'],
      ['same', 'line 12'],
      ['same', 'line 13'],
      ['note', '(7 unchanged lines hidden)'],
    ]);
    const tight = fieldChangeLines(
      's',
      replace('/s', numbered(20, 9, 'line 10'), numbered(20, 9, 'line ten')),
      1,
      TIGHT_CONTEXT,
    );
    expect(tight.filter((line) => line.kind === 'same')).toHaveLength(2);
  });

  it('escapes control characters in the lines of a multi-line string', () => {
    const lines = fieldChangeLines('greeting', add('/greeting', 'Hello!\n\u001b[31mred'), 1, FULL_CONTEXT);
    expect(lines.map((line) => line.text)).toEqual(['greeting: (2 lines)', 'Hello!', '\\u001b[31mred']);
  });

  it('lays a big object out over lines instead of cutting it', () => {
    const value = { items: Array.from({ length: 10 }, (_, index) => ({ sku: `SKU-${index}` })) };
    const lines = fieldChangeLines('output', add('/output', value), 2, FULL_CONTEXT);
    expect(lines[0]).toEqual({ kind: 'create', depth: 2, text: 'output:' });
    expect(
      JSON.parse(
        lines
          .slice(1)
          .map((line) => line.text)
          .join('\n'),
      ),
    ).toEqual(value);
  });
});

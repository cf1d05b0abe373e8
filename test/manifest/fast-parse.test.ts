import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { fastManifestValue, parseManifestText } from '../../src/manifest/parse.js';
import { benchManifest } from '../../bench/manifest.js';
import { propertyParameters, propertyTimeout } from '../reliability/settings.js';

// The fast path (js-yaml) may answer only when yaml, read as `parseLocated` reads it, would answer
// the same value with no error and no warning; otherwise it must step aside.

/** yaml's reading, with the options of src/manifest/parse.ts. */
function yamlReading(text: string): { value: unknown; problems: string[] } {
  const doc = parseDocument(text, { prettyErrors: false, merge: true, logLevel: 'error' });
  const problems = [...doc.errors, ...doc.warnings].map((problem) => `${problem.code}: ${problem.message}`);
  try {
    return { value: doc.toJS(), problems };
  } catch (error) {
    return { value: undefined, problems: [...problems, (error as Error).message] };
  }
}

/** Whether the fast path answered (and then agreed). */
function expectAgreement(text: string): boolean {
  const fast = fastManifestValue(text);
  if (fast === undefined) return false;
  const slow = yamlReading(text);
  expect({ text, problems: slow.problems }).toEqual({ text, problems: [] });
  expect(fast.value).toStrictEqual(slow.value);
  return true;
}

/** Plain scalars whose type depends on the schema: YAML 1.2 core as yaml reads it. */
const PLAIN_SCALARS = [
  ...[
    '0b101',
    '+.5',
    '-.5',
    '.5',
    '5.',
    '0o17',
    '0o8',
    '017',
    '0x1F',
    '0x1g',
    '+0x1F',
    '1_000',
    '1e3',
    '1E+3',
    '-1e-3',
  ],
  ...['+12', '-0', '+0', '0', '00', '12345678901234567890', '1.0', '-1.', '1.2.3', '.inf', '-.Inf', '+.INF', '.NaN'],
  ...['.nan', '.NAN', 'inf', 'nan', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false'],
  ...['yes', 'no', 'on', 'off', 'y', 'n', 'Yes', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:45', '1:20'],
  ...['a b', 'a:b', 'a #b', 'a# b', '-a', '?a', ':a', '@a', '`a', '%a', '!a', '&a', '*a', '|a', '>a', "'a", '"a'],
  ...['${env:KEY}', '${var:x}', 'http://x.test/a?b=c#d', '[a]', '{a: b}', 'a,b', 'x]', 'x}', '0.0.0.0', '=', '<<'],
];

const QUOTED_SCALARS = [
  ...["''", '""', "'it''s'", '"a\\"b"', '"\\x41\\u263A\\U0001F600"', '"\\N\\_\\L\\P"', '"\\t\\0\\a\\e"', '"\\q"'],
  ...["'multi\n  line'", '"multi\n  line"', '"esc\\\n  aped"', "'0b101'", '"+.5"', '"~"', "'true'", '"123"'],
];

const TAGS = [
  '!!str',
  '!!int',
  '!!float',
  '!!bool',
  '!!null',
  '!!binary',
  '!!timestamp',
  '!custom',
  '!<tag:x>',
  '!!map',
];

// Tags, aliases and duplicate keys are rarer than plain values, so that most documents are ones the fast path reads.
const scalarText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PLAIN_SCALARS) },
  { weight: 3, arbitrary: fc.constantFrom(...QUOTED_SCALARS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...TAGS), fc.constantFrom(...PLAIN_SCALARS, ...QUOTED_SCALARS))
      .map(([tag, value]) => `${tag} ${value}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('&a', '&b'), fc.constantFrom(...PLAIN_SCALARS))
      .map(([anchor, value]) => `${anchor} ${value}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('*a', '*b') },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9 _.:#-]{0,12}$/) },
);

const KEYS = [
  'a',
  'b',
  'name',
  'a',
  '<<',
  '1',
  '01',
  'true',
  'null',
  '~',
  '"a"',
  "'b'",
  '"x y"',
  '? c',
  '[k]',
  '__proto__',
];

type Tree = { kind: 'scalar'; text: string } | { kind: 'block'; style: string; lines: string[] } | Collection;
interface Collection {
  kind: 'map' | 'seq';
  flow: boolean;
  prefix: string;
  entries: [string, Tree][];
}

/** Key and value pairs, now and then with a duplicate key. */
function entries(value: fc.Arbitrary<Tree>): fc.Arbitrary<[string, Tree][]> {
  const pair = fc.tuple(fc.constantFrom(...KEYS), value);
  return fc.oneof(
    { weight: 5, arbitrary: fc.uniqueArray(pair, { maxLength: 4, selector: ([key]) => key }) },
    { weight: 1, arbitrary: fc.array(pair, { maxLength: 4 }) },
  );
}

const blockScalar = fc.record({
  kind: fc.constant('block' as const),
  style: fc.constantFrom('|', '|-', '|+', '>', '>-', '>+', '|2'),
  lines: fc.array(fc.constantFrom('line', '  indented', '', 'x: y', '# not a comment', 'tab\there'), {
    minLength: 1,
    maxLength: 3,
  }),
});

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('scalar' as const), text: scalarText }),
    blockScalar,
    fc.record({
      kind: fc.constantFrom('map' as const, 'seq' as const),
      flow: fc.boolean(),
      prefix: fc.constantFrom('', '', '', '&a ', '&b ', '!!map ', '!!seq ', '!!set ', '!!omap '),
      entries: entries(tie('tree')),
    }),
  ),
})).tree;

/** The tree as YAML text, block style unless a collection asks for flow (where only scalars fit). */
function render(node: Tree, indent: number): string {
  const pad = ' '.repeat(indent);
  switch (node.kind) {
    case 'scalar':
      return ` ${node.text}`;
    case 'block':
      return ` ${node.style}\n${node.lines.map((line) => (line === '' ? '' : pad + '  ' + line)).join('\n')}`;
    case 'map':
    case 'seq': {
      if (node.flow || node.entries.length === 0) return ` ${node.prefix}${flow(node)}`;
      const lines = node.entries.map(([key, child]) =>
        node.kind === 'map' ? `${pad}${key}:${render(child, indent + 2)}` : `${pad}-${render(child, indent + 2)}`,
      );
      return `${node.prefix === '' ? '' : ` ${node.prefix.trim()}`}\n${lines.join('\n')}`;
    }
  }
}

function flow(node: Collection): string {
  const inner = (child: Tree): string =>
    child.kind === 'scalar' ? child.text : child.kind === 'block' ? '"block"' : flow(child);
  return node.kind === 'map'
    ? `{${node.entries.map(([key, child]) => `${key}: ${inner(child)}`).join(', ')}}`
    : `[${node.entries.map(([, child]) => inner(child)).join(', ')}]`;
}

const document: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '', '', '---\n', '%YAML 1.2\n---\n', '# comment\n', '--- '),
    entries(tree),
    fc.constantFrom('', '', '', '\n', '...\n', '---\nsecond: doc\n', '# end\n'),
  )
  .map(
    ([head, entries, tail]) =>
      head + entries.map(([key, child]) => `${key}:${render(child, 2)}`).join('\n') + '\n' + tail,
  );

describe('the fast manifest path', () => {
  it.each([...PLAIN_SCALARS, ...QUOTED_SCALARS])('reads the scalar %j as yaml does, or leaves it to yaml', (scalar) => {
    expectAgreement(`value: ${scalar}\n`);
    expectAgreement(`- ${scalar}\n`);
    expectAgreement(`{ key: ${scalar} }\n`);
  });

  it.each(TAGS)('reads tag %s as yaml does, or leaves it to yaml', (tag) => {
    for (const scalar of ['1', '1.5', 'true', '~', 'text', '"quoted"', 'SGVsbG8=', '2001-12-14'])
      expectAgreement(`value: ${tag} ${scalar}\n`);
  });

  it('leaves anchors with aliases, merges through aliases, duplicate keys and several documents to yaml', () => {
    const cases = [
      'a: &x 1\nb: *x\n',
      'defaults: &d {tone: calm}\nagent:\n  <<: *d\n  name: n\n',
      'a: 1\na: 2\n',
      'a: 1\n---\nb: 2\n',
      '',
    ];
    for (const text of cases) expect(fastManifestValue(text)).toBeUndefined();
    // A merge of an inline mapping needs no alias: the fast path reads it as yaml does.
    expect(fastManifestValue('agent:\n  <<: {tone: calm}\n  name: n\n')).toEqual({
      value: { agent: { tone: 'calm', name: 'n' } },
    });
    expectAgreement('agent:\n  <<: [{tone: calm}, {tone: loud, x: 1}]\n  name: n\n');
  });

  it(
    'agrees with yaml on generated documents whenever it answers',
    () => {
      let answered = 0;
      const parameters = propertyParameters<[string]>(13013, 400);
      fc.assert(
        fc.property(document, (text) => {
          if (expectAgreement(text)) answered += 1;
        }),
        parameters,
      );
      // Not vacuous: the generated documents often are ones the fast path reads.
      expect(answered).toBeGreaterThan(parameters.numRuns! / 10);
    },
    propertyTimeout(400, 5),
  );

  it('reads the example manifests and the bench workload, so that loading them builds no yaml Document', async () => {
    const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
    const files = (await readdir(examples, { recursive: true })).filter((file) => /\.ya?ml$/.test(file));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await readFile(join(examples, file), 'utf8');
      // A file that uses aliases on purpose is read by yaml; the others must take the fast path.
      if (!/\*\w/.test(text)) expect(fastManifestValue(text), file).toBeDefined();
    }
    expect(fastManifestValue(benchManifest(3))).toBeDefined();
  });

  it('reports and locates a file it could read exactly as the Document does', () => {
    const text = 'agents:\n  support:\n    name: Support\n    tools:\n      - name: x\n';
    const fast = parseManifestText('a.yaml', text);
    const located = parseManifestText('a.yaml', text + 'dup: 1\ndup: 2\n');
    expect(fast.issues).toEqual([]);
    expect(fast.locate(['agents', 'support', 'tools', 0, 'name'])).toEqual({ file: 'a.yaml', line: 5, col: 15 });
    expect(fast.locate(['agents', 'support', 'tools', 0, 'name'])).toEqual(
      located.locate(['agents', 'support', 'tools', 0, 'name']),
    );
    expect(fast.scalarAt(['agents', 'support', 'name'])).toEqual({ value: 'Support', source: 'Support' });
    expect(fast.toIssue({ path: ['agents', 'support'], message: 'm' })).toEqual(
      located.toIssue({ path: ['agents', 'support'], message: 'm' }),
    );
  });
});

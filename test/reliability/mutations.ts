import fc from 'fast-check';

// Random edits of a manifest's text, of the kinds people make by hand: a stray or lost character,
// a deleted or doubled line, a wrong indentation, a value of the wrong type, a key the schema does
// not know, a broken `${env:…}` reference. Positions are taken modulo the text, so any edit fits any file.

export type Mutation =
  | { kind: 'insert_char'; at: number; char: string }
  | { kind: 'delete_char'; at: number }
  | { kind: 'replace_char'; at: number; char: string }
  | { kind: 'delete_line'; line: number }
  | { kind: 'duplicate_line'; line: number }
  | { kind: 'indent'; line: number; delta: number }
  | { kind: 'swap_value'; line: number; value: string }
  | { kind: 'unknown_key'; line: number; key: string }
  | { kind: 'break_env'; occurrence: number; text: string };

const CHARS = [
  ':',
  '-',
  ' ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '\t',
  '\n',
  ',',
  '?',
  'a',
  '1',
  '\\',
  '$',
  'é',
  '\u0000',
  '\uFEFF',
];
const VALUES = [
  '42',
  '0',
  '-1',
  'true',
  'null',
  '~',
  '[]',
  '{}',
  '"text"',
  "''",
  '1.5',
  '.inf',
  '0x1F',
  '2026-01-01',
  '[1, 2]',
  '{ a: 1 }',
  '*anchor',
  '&anchor x',
  '!!binary aGVsbG8=',
  '|',
  '"${env:VAPI_API_KEY}"',
  '9007199254740993',
];
const KEYS = [
  'mock_tool',
  'foo',
  'descripton',
  'agents',
  'id',
  'prune',
  'project',
  'mock_tools_enabled',
  '<<',
  '"quoted key"',
  '123',
  'name',
];
const ENV_FORMS = [
  '${env:',
  '${env:}',
  '${VAPI_API_KEY}',
  '${env:1BAD}',
  '${env:UNSET_VARIABLE}',
  '$${env:VAPI_API_KEY}',
  '${env:VAPI_API_KEY',
  'literal-secret-value',
  '${ env:VAPI_API_KEY }',
  '${env:VAPI_API_KEY}${env:RETELL_API_KEY}',
  '${var.x}',
];

const position = fc.nat({ max: 1_000_000 });

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert_char' as const), at: position, char: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('delete_char' as const), at: position }),
  fc.record({ kind: fc.constant('replace_char' as const), at: position, char: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('delete_line' as const), line: position }),
  fc.record({ kind: fc.constant('duplicate_line' as const), line: position }),
  fc.record({
    kind: fc.constant('indent' as const),
    line: position,
    delta: fc.integer({ min: -4, max: 4 }).filter((delta) => delta !== 0),
  }),
  fc.record({ kind: fc.constant('swap_value' as const), line: position, value: fc.constantFrom(...VALUES) }),
  fc.record({ kind: fc.constant('unknown_key' as const), line: position, key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant('break_env' as const), occurrence: position, text: fc.constantFrom(...ENV_FORMS) }),
);

export function mutate(text: string, mutation: Mutation): string {
  const lines = text.split('\n');
  const lineAt = (line: number) => line % lines.length;
  switch (mutation.kind) {
    case 'insert_char': {
      const at = mutation.at % (text.length + 1);
      return text.slice(0, at) + mutation.char + text.slice(at);
    }
    case 'delete_char': {
      if (text.length === 0) return text;
      const at = mutation.at % text.length;
      return text.slice(0, at) + text.slice(at + 1);
    }
    case 'replace_char': {
      if (text.length === 0) return mutation.char;
      const at = mutation.at % text.length;
      return text.slice(0, at) + mutation.char + text.slice(at + 1);
    }
    case 'delete_line':
      return lines.filter((_, index) => index !== lineAt(mutation.line)).join('\n');
    case 'duplicate_line': {
      const at = lineAt(mutation.line);
      return [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)].join('\n');
    }
    case 'indent':
      return withLine(lines, lineAt(mutation.line), (line) =>
        mutation.delta > 0
          ? ' '.repeat(mutation.delta) + line
          : line.replace(new RegExp(`^ {0,${-mutation.delta}}`), ''),
      );
    case 'swap_value':
      return withLine(lines, lineAt(mutation.line), (line) => {
        const colon = line.indexOf(': ');
        if (colon >= 0) return `${line.slice(0, colon)}: ${mutation.value}`;
        const dash = /^(\s*-\s)/.exec(line);
        return dash ? dash[1] + mutation.value : line;
      });
    case 'unknown_key': {
      const at = lineAt(mutation.line);
      const indent = /^(\s*)(- )?/.exec(lines[at]!)!;
      const prefix = indent[1]! + (indent[2] === undefined ? '' : '  ');
      return [...lines.slice(0, at + 1), `${prefix}${mutation.key}: value`, ...lines.slice(at + 1)].join('\n');
    }
    case 'break_env': {
      const matches = [...text.matchAll(/\$\{env:[^}]*\}/g)];
      if (matches.length === 0) return text;
      const match = matches[mutation.occurrence % matches.length]!;
      return text.slice(0, match.index) + mutation.text + text.slice(match.index + match[0].length);
    }
    default:
      return assertUnreachable(mutation);
  }
}

function withLine(lines: string[], at: number, change: (line: string) => string): string {
  return lines.map((line, index) => (index === at ? change(line) : line)).join('\n');
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled mutation ${JSON.stringify(value)}`);
}

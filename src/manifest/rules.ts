import { CHAT_TYPES, LANGUAGES, PROVIDER_TYPES, REQUIRED_CREDENTIALS } from '../cekura/fields.js';
import { canonicalJson, getAtPointer, ownValue, splitPointer } from '../json.js';
import type { PathIssue, YamlPath } from './issues.js';
import { knowledgeBaseFileName } from './knowledge-base.js';
import type { ParsedFile } from './parse.js';
import { didYouMean } from './suggest.js';

// Rules across the fields of one agent. They read the interpolated value defensively, without
// waiting for the schema to pass, so that every issue of a file is reported at once.

/** Rule breaks (errors) and values Cekura may know that cekuraform does not (warnings). */
export interface RuleFindings {
  issues: PathIssue[];
  warnings: PathIssue[];
}

/** Duplicate names and mock inputs, per-provider credentials, and warnings for values Cekura may have added. */
export function checkAgentRules(key: string, agent: unknown, parsed: ParsedFile): RuleFindings {
  const findings: RuleFindings = { issues: [], warnings: [] };
  const body = asMapping(agent);
  if (body === undefined) return findings;
  const at: YamlPath = ['agents', key];

  const tools = asList(body.mock_tools);
  findings.issues.push(
    ...duplicates(
      [...at, 'mock_tools'],
      tools.map((tool) => asString(asMapping(tool)?.name)),
      'name',
      namedItem('mock tool name'),
    ),
    ...duplicates(
      [...at, 'dynamic_variables'],
      asList(body.dynamic_variables).map((variable) => asString(asMapping(variable)?.name)),
      'name',
      namedItem('dynamic variable name'),
    ),
    ...duplicates(
      [...at, 'knowledge_base_files'],
      asList(body.knowledge_base_files).map(writtenKnowledgeBaseName),
      undefined,
      namedItem('knowledge-base file name'),
    ),
  );
  tools.forEach((tool, index) => {
    const inputs = asList(asMapping(tool)?.mock_data).map((row) => {
      const mapping = asMapping(row);
      return mapping !== undefined && 'input' in mapping ? canonicalJson(mapping.input) : undefined;
    });
    findings.issues.push(
      ...duplicates([...at, 'mock_tools', index, 'mock_data'], inputs, 'input', () => DUPLICATE_INPUT),
    );
  });

  const provider = asMapping(body.provider);
  findings.issues.push(...missingCredentials([...at, 'provider'], provider));
  findings.warnings.push(
    ...unknownValue([...at, 'provider', 'type'], provider?.type, PROVIDER_TYPES, 'provider type', parsed),
    ...unknownValue(
      [...at, 'provider', 'chat_agent_details', 'type'],
      asMapping(provider?.chat_agent_details)?.type,
      CHAT_TYPES,
      'chat provider type',
      parsed,
    ),
    ...unknownValue([...at, 'language'], body.language, LANGUAGES, 'language', parsed),
    ...removedSelfHosted([...at, 'provider', 'type'], provider?.type),
  );
  return findings;
}

/** Cekura's newer API (since 2026-08-06, NOTES.md) refuses `provider.type: self_hosted`; the pages' still takes it. */
function removedSelfHosted(path: YamlPath, type: unknown): PathIssue[] {
  if (type !== 'self_hosted') return [];
  return [
    {
      path,
      message:
        'provider type `self_hosted` was removed from Cekura’s API on 2026-08-06; an account on the newer API refuses it as "not a valid choice"',
      hint: 'write `type: custom` and `chat_agent_details: { type: self_hosted }` under provider (a voice websocket goes in telephony.websocket_url)',
    },
  ];
}

type Describe = (key: string) => Pick<PathIssue, 'message' | 'hint'>;

const namedItem =
  (what: string): Describe =>
  (name) => ({ message: `duplicate ${what} \`${name}\``, hint: `each ${what} may appear once in an agent` });

// Inputs are compared as canonical JSON, which may be long: the message does not quote them.
const DUPLICATE_INPUT = {
  message: 'duplicate mock_data input',
  hint: 'two rows with the same input would be ambiguous; Cekura rejects them',
};

/** An issue at each later occurrence of a key already seen in the list (items without a key are skipped). */
function duplicates(
  listPath: YamlPath,
  keys: (string | undefined)[],
  field: string | undefined,
  describe: Describe,
): PathIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: PathIssue[] = [];
  const itemPath = (index: number): YamlPath =>
    field === undefined ? [...listPath, index] : [...listPath, index, field];
  keys.forEach((key, index) => {
    if (key === undefined) return;
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else issues.push({ path: itemPath(index), ...describe(key), firstAt: itemPath(first) });
  });
  return issues;
}

function writtenKnowledgeBaseName(item: unknown): string | undefined {
  const file = asMapping(item);
  const path = asString(file?.path);
  const fileName = asString(file?.file_name);
  if (path === undefined && fileName === undefined) return undefined;
  return knowledgeBaseFileName({ path: path ?? '', file_name: fileName });
}

function missingCredentials(providerPath: YamlPath, provider: Record<string, unknown> | undefined): PathIssue[] {
  const type = asString(provider?.type);
  const credentials = asMapping(provider?.credentials);
  if (type === undefined || credentials === undefined) return [];
  const required = ownValue(REQUIRED_CREDENTIALS, type) ?? [];
  return required
    .filter((pointer) => getAtPointer(credentials, pointer) == null)
    .map((pointer) => {
      const path = [...providerPath, 'credentials', ...splitPointer(pointer)];
      return {
        path,
        message: `a \`${type}\` provider needs \`credentials${pointer.replaceAll('/', '.')}\``,
        hint: `add \`${String(path.at(-1))}:\` under \`${String(path.at(-2))}:\``,
      };
    });
}

/** Open sets only warn: a value Cekura added after this release must still work. */
function unknownValue(
  path: YamlPath,
  value: unknown,
  known: readonly string[],
  what: string,
  parsed: ParsedFile,
): PathIssue[] {
  if (typeof value !== 'string' || value === '' || known.includes(value)) return [];
  // Shown as written in the file: a value that came from the environment is not printed.
  const written = String(parsed.scalarAt(path)?.value ?? value);
  const shown = written === value ? `\`${value}\`` : `from \`${written}\``;
  const suggestion = didYouMean(value, known);
  return [
    {
      path,
      message: `unknown ${what} ${shown}: it is sent as written, in case Cekura added it after this release`,
      hint: suggestion ?? `known: ${known.join(', ')}`,
    },
  ];
}

function asMapping(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

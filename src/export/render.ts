import { Document, isCollection, isMap, isSeq, parse, visit, type Node, type YAMLMap } from 'yaml';
import { canonicalJson, splitPointer } from '../json.js';
import type { ExportedAgent, ExportedManifest } from './types.js';

/** The editor hint at the top; the schema comes from `cekuraform schema > manifest.schema.json`. */
const SCHEMA_COMMENT = 'yaml-language-server: $schema=manifest.schema.json';

/** Mock-data inputs and outputs up to this length (as JSON) are written on one line, `{ order_id: A1 }`. */
const FLOW_MAX_LENGTH = 60;

/**
 * The exported manifest as YAML, through the `yaml` Document API so that strings are quoted only
 * when needed. Comments: the schema hint, a line per agent for what could not be exported, and the
 * environment variables the secrets need, at the end.
 */
export function renderExport(exported: ExportedManifest): string {
  const agents = Object.fromEntries(exported.agents.map((agent) => [agent.key, agent.body]));
  const doc = new Document({ project: exported.project, agents }, { aliasDuplicateObjects: false });
  doc.commentBefore = ` ${SCHEMA_COMMENT}`;
  for (const agent of exported.agents) {
    const node = doc.getIn(['agents', agent.key], true) as Node;
    writeSmallValuesInline(node);
    const notes = agentNotes(agent);
    if (notes.length > 0) node.comment = notes.map((note) => ` ${note}`).join('\n');
    const credentialSecrets = agent.secrets.filter((secret) => secret.path.startsWith(CREDENTIALS_POINTER + '/'));
    if (credentialSecrets.length > 0) commentCredentials(doc, ['agents', agent.key], credentialSecrets);
    for (const secret of agent.secrets)
      if (!credentialSecrets.includes(secret)) commentSecret(doc, ['agents', agent.key], secret);
  }
  quoteYaml11Lookalikes(doc);
  const secrets = secretLines(exported.agents);
  if (secrets.length > 0) doc.comment = secrets.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

function agentNotes(agent: ExportedAgent): string[] {
  const notes: string[] = [];
  if (agent.knowledge_base_files.length > 0) {
    notes.push(
      `knowledge_base_files left out: file contents cannot be read back from Cekura (${agent.knowledge_base_files.join(', ')})`,
    );
  }
  if (agent.unsupported_fields.length > 0)
    notes.push(`left out, not manifest fields: ${agent.unsupported_fields.join(', ')}`);
  return notes;
}

function secretLines(agents: ExportedAgent[]): string[] {
  const rows = agents.flatMap((agent) =>
    agent.secrets.map((secret) => ({
      env: secret.env,
      where: `${agent.address} ${splitPointer(secret.path).join('.')}`,
    })),
  );
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((row) => row.env.length));
  return [
    'Secrets cannot be read from Cekura, so they are written above as comments and not managed. To',
    'manage one, uncomment it and set its environment variable; the next apply sends its value:',
    ...rows.map((row) => `  ${row.env.padEnd(width)}  ${row.where}`),
  ];
}

const CREDENTIALS_POINTER = '/provider/credentials';

/**
 * `provider.credentials` with its secrets, all as a comment: a manifest that writes credentials must
 * give the provider's required keys, so the block is managed only once it is uncommented whole.
 */
function commentCredentials(doc: Document, agentPath: string[], secrets: { path: string; env: string }[]): void {
  const providerPath = [...agentPath, 'provider'];
  const provider = doc.getIn(providerPath, true);
  if (!isMap(provider)) return;
  const credentials =
    (doc.getIn([...providerPath, 'credentials']) as { toJSON?: () => unknown } | undefined)?.toJSON?.() ?? {};
  const block = new Document({ credentials }, { aliasDuplicateObjects: false });
  for (const secret of secrets) {
    const tokens = ['credentials', ...splitPointer(secret.path.slice(CREDENTIALS_POINTER.length))];
    block.setIn(tokens, `\${env:${secret.env}}`);
  }
  provider.delete('credentials');
  const text = block
    .toString({ lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
  provider.comment =
    provider.comment === undefined || provider.comment === null ? text : `${provider.comment}\n${text}`;
}

/**
 * A secret as a comment to uncomment (`# api_key: ${env:NAME}`), in the deepest object of its path
 * that the export has, with the missing objects written out: an uncommented `${env:…}` would make the
 * next plan require the variable, and a fresh export must plan as no change without any set.
 */
function commentSecret(doc: Document, agentPath: string[], secret: { path: string; env: string }): void {
  const tokens = splitPointer(secret.path);
  let depth = tokens.length - 1;
  while (depth > 0 && !isMap(doc.getIn([...agentPath, ...tokens.slice(0, depth)], true))) depth--;
  const holder = doc.getIn([...agentPath, ...tokens.slice(0, depth)], true) as YAMLMap;
  const lines = tokens.slice(depth).map((token, index, rest) => {
    const indent = '  '.repeat(index);
    return index === rest.length - 1 ? `${indent}${token}: \${env:${secret.env}}` : `${indent}${token}:`;
  });
  const text = lines.map((line) => ` ${line}`).join('\n');
  holder.comment = holder.comment === undefined || holder.comment === null ? text : `${holder.comment}\n${text}`;
}

/**
 * Quotes strings that a YAML 1.1 reader (many editors and older tools) would take for a date, a time,
 * a number or a boolean (`2024-01-01`, `12:30`, `0755`, `yes`, `on`): cekuraform reads YAML 1.2, where
 * they are strings, but a reviewer's tools should see them as the strings they are.
 */
function quoteYaml11Lookalikes(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      // Multi-line text keeps its block form; a line that is not YAML at all cannot be misread.
      if (typeof node.value !== 'string' || node.value.includes('\n')) return;
      if (!readsAsString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
}

function readsAsString(text: string): boolean {
  try {
    return typeof parse(text, { version: '1.1' }) === 'string';
  } catch {
    return true;
  }
}

/** `served_via` and short mock-data values on one line, as a person would write them. */
function writeSmallValuesInline(agent: Node): void {
  if (!isMap(agent)) return;
  const tools = agent.get('mock_tools', true);
  if (!isSeq(tools)) return;
  for (const tool of tools.items) {
    if (!isMap(tool)) continue;
    const servedVia = tool.get('served_via', true);
    if (isCollection(servedVia)) servedVia.flow = true;
    const rows = tool.get('mock_data', true);
    if (!isSeq(rows)) continue;
    for (const row of rows.items) {
      if (!isMap(row)) continue;
      for (const side of ['input', 'output']) {
        const value = row.get(side, true);
        if (isCollection(value) && canonicalJson(value.toJSON()).length <= FLOW_MAX_LENGTH) value.flow = true;
      }
    }
  }
}

import { Document, isCollection, isMap, isSeq, type Node } from 'yaml';
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
  }
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
    'Secrets cannot be read from Cekura. Set these environment variables before `cekuraform plan`;',
    'the first apply sends their values:',
    ...rows.map((row) => `  ${row.env.padEnd(width)}  ${row.where}`),
  ];
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

import { sortMockData, type MockDataRow } from '../cekura/agent-doc.js';
import type { SourceLocation } from '../errors.js';
import { isJsonObject, joinPointer } from '../json.js';
import type { YamlPath } from './issues.js';
import { knowledgeBaseFileName } from './knowledge-base.js';
import type { ParsedFile } from './parse.js';
import type { AgentInput } from './schema.js';

type DocPath = (string | number)[];

/**
 * Where each field of an agent is written, by its pointer in the agent's document: set items by
 * name, mock data rows by their sorted position (down to `input` and `output`). Secrets are included although the document drops them.
 */
export function collectSources(key: string, input: AgentInput, parsed: ParsedFile): Record<string, SourceLocation> {
  const sources: Record<string, SourceLocation> = {};
  const add = (docPath: DocPath, yamlPath: YamlPath): void => {
    sources[joinPointer(...docPath)] = parsed.locate(['agents', key, ...yamlPath]);
  };
  const addTree = (value: unknown, docPath: DocPath, yamlPath: YamlPath): void => {
    add(docPath, yamlPath);
    const children: [string | number, unknown][] = Array.isArray(value)
      ? [...value.entries()]
      : isJsonObject(value)
        ? Object.entries(value)
        : [];
    for (const [child, item] of children) addTree(item, [...docPath, child], [...yamlPath, child]);
  };

  for (const field of Object.keys(input) as (keyof AgentInput)[]) {
    switch (field) {
      case 'project':
      case 'id':
      case 'mock_tools_enabled':
        break;
      case 'mock_tools':
        add([field], [field]);
        input.mock_tools?.forEach((tool, index) => {
          const { mock_data: rows = [], ...rest } = tool;
          addTree(rest, [field, tool.name], [field, index]);
          if (tool.mock_data === undefined) return;
          add([field, tool.name, 'mock_data'], [field, index, 'mock_data']);
          const sorted = sortMockData(rows as MockDataRow[]);
          rows.forEach((row, rowIndex) => {
            const docRow = [field, tool.name, 'mock_data', sorted.indexOf(row as MockDataRow)];
            const yamlRow = [field, index, 'mock_data', rowIndex];
            add(docRow, yamlRow);
            add([...docRow, 'input'], [...yamlRow, 'input']);
            add([...docRow, 'output'], [...yamlRow, 'output']);
          });
        });
        break;
      case 'dynamic_variables':
        add([field], [field]);
        input.dynamic_variables?.forEach((variable, index) =>
          addTree(variable, [field, variable.name], [field, index]),
        );
        break;
      case 'knowledge_base_files':
        add([field], [field]);
        input.knowledge_base_files?.forEach((file, index) => add([field, knowledgeBaseFileName(file)], [field, index]));
        break;
      default:
        addTree(input[field], [field], [field]);
    }
  }
  return sources;
}

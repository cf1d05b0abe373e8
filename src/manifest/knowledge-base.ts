import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { KnowledgeBaseFileDoc } from '../cekura/agent-doc.js';
import { keyedRecord } from '../json.js';
import type { PathIssue, YamlPath } from './issues.js';
import { KNOWLEDGE_BASE_EXTENSION, type AgentInput } from './schema.js';
import type { KnowledgeBaseSource } from './types.js';

/** The read files of one agent: documents and sources keyed by file name, and what could not be read. */
export interface KnowledgeBase {
  docs: Record<string, KnowledgeBaseFileDoc>;
  sources: Record<string, KnowledgeBaseSource>;
  issues: PathIssue[];
}

/** The name a knowledge-base file gets on Cekura: `file_name`, else the base name of `path`. */
export function knowledgeBaseFileName(file: { path: string; file_name?: string | undefined }): string {
  return file.file_name ?? basename(file.path);
}

/** Reads each local knowledge-base file (paths relative to `directory`) for its size and digest. */
export async function readKnowledgeBase(
  files: NonNullable<AgentInput['knowledge_base_files']>,
  directory: string,
  listPath: YamlPath,
): Promise<KnowledgeBase> {
  const result: KnowledgeBase = { docs: keyedRecord(), sources: keyedRecord(), issues: [] };
  const reads = files.map(async (file, index) => {
    const fileName = knowledgeBaseFileName(file);
    if (!KNOWLEDGE_BASE_EXTENSION.test(fileName)) {
      result.issues.push({
        path: [...listPath, index, file.file_name === undefined ? 'path' : 'file_name'],
        message: `\`${fileName}\`: a knowledge-base file must be .pdf, .txt, .json, .csv, .xml or .md`,
      });
    }
    const absolute = resolve(directory, file.path);
    try {
      const content = await readFile(absolute);
      const sha256 = createHash('sha256').update(content).digest('hex');
      // The content digest stays in `sources`: the planner compares it through the state record.
      result.docs[fileName] = { file_name: fileName, file_size: content.length };
      result.sources[fileName] = { path: absolute, sha256, size: content.length };
    } catch (error) {
      result.issues.push({ path: [...listPath, index, 'path'], ...unreadable(file.path, error) });
    }
  });
  await Promise.all(reads);
  return result;
}

function unreadable(path: string, error: unknown): Pick<PathIssue, 'message' | 'hint'> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return {
      message: `knowledge-base file \`${path}\` not found`,
      hint: "paths are relative to the manifest file's directory",
    };
  if (code === 'EISDIR') return { message: `knowledge-base file \`${path}\` is a directory` };
  return { message: `cannot read knowledge-base file \`${path}\` (${code ?? 'unknown error'})` };
}

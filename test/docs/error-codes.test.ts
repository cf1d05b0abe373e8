import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

const JSON_OUTPUT_DOC = new URL('../../docs/json-output.md', import.meta.url);

/** The codes docs/json-output.md lists: every `snake_case` word of the bullet list under "## Errors". */
async function documentedCodes(): Promise<string[]> {
  const doc = await readFile(JSON_OUTPUT_DOC, 'utf8');
  const errors = doc.slice(doc.indexOf('\n## Errors\n'));
  const list = errors.slice(errors.indexOf('\n- '));
  return [...list.matchAll(/`([a-z]+(?:_[a-z]+)*)`/g)].map((match) => match[1]!);
}

it('docs/json-output.md lists every error code, and no code that does not exist', async () => {
  const documented = await documentedCodes();
  expect(documented.length).toBeGreaterThan(0);
  expect(new Set(documented).size, 'a code listed twice').toBe(documented.length);
  expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
});

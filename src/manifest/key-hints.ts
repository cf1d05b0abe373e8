import { z } from 'zod';
import { formatPath, type YamlPath } from './issues.js';
import { didYouMean } from './suggest.js';

const HOME_SEARCH_DEPTH = 3;

/**
 * A hint for an unknown key at `path` of `root`: where the key belongs when a nested object has it
 * (`inbound` at agent level → `telephony`), else the closest known key at that level. Paths in the
 * hint are relative to `root` (an agent, or the file).
 */
export function unknownKeyHint(root: z.ZodType, path: YamlPath, key: string): string | undefined {
  const parent = schemaAt(root, path);
  if (parent === undefined) return undefined;
  const home = homeOf(parent, key);
  if (home !== undefined) return `\`${key}\` belongs under \`${[formatPath(path), home].filter(Boolean).join('.')}\``;
  return didYouMean(key, keysOf(parent));
}

function schemaAt(root: z.ZodType, path: YamlPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  for (const segment of path) {
    const current = unwrap(schema);
    if (current instanceof z.ZodObject && typeof segment === 'string')
      schema = current.shape[segment] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray && typeof segment === 'number') schema = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord && typeof segment === 'string') schema = current.valueType as z.ZodType;
    else return undefined;
    if (schema === undefined) return undefined;
  }
  return schema;
}

/** The nearest nested object (breadth first) that knows `key`, as a display path. */
function homeOf(schema: z.ZodType, key: string): string | undefined {
  let frontier = [{ schema, path: '' }];
  for (let depth = 0; depth < HOME_SEARCH_DEPTH; depth++) {
    const next: typeof frontier = [];
    for (const { schema: parent, path } of frontier) {
      for (const child of nestedObjects(parent)) {
        const childPath = path === '' ? child.path : `${path}.${child.path}`;
        if (keysOf(child.schema).includes(key)) return childPath;
        next.push({ schema: child.schema, path: childPath });
      }
    }
    frontier = next;
  }
  return undefined;
}

/** Object-valued properties of an object schema, looking through lists (`mock_tools[]`) and records (`agents.<key>`). */
function nestedObjects(schema: z.ZodType): { schema: z.ZodType; path: string }[] {
  const current = unwrap(schema);
  if (!(current instanceof z.ZodObject)) return [];
  return Object.entries(current.shape as Record<string, z.ZodType>).flatMap(([name, property]) => {
    const value = unwrap(property);
    if (value instanceof z.ZodObject) return [{ schema: value, path: name }];
    if (value instanceof z.ZodArray) return [{ schema: value.element as z.ZodType, path: `${name}[]` }];
    if (value instanceof z.ZodRecord) return [{ schema: value.valueType as z.ZodType, path: `${name}.<key>` }];
    return [];
  });
}

function keysOf(schema: z.ZodType): string[] {
  const current = unwrap(schema);
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return unwrap(schema.unwrap() as z.ZodType);
  return schema;
}

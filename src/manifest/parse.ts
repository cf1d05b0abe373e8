import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import {
  constructFromEvents,
  CORE_SCHEMA,
  EVENT_ID,
  getScalarValue,
  mergeTag,
  parseEvents,
  SCALAR_STYLE,
  type Event as YamlEvent,
  type ScalarEvent,
} from 'js-yaml';
import type { SourceLocation } from '../errors.js';
import { MAX_NESTING_DEPTH, pathDeeperThan } from '../json.js';
import { formatIssuePath, formatPath, type PathIssue, type YamlPath } from './issues.js';
import type { ManifestIssue } from './types.js';

/** One manifest file read as YAML, with the way back from a value's path to its line and column. */
// yaml is loaded when a file is first read through its Document (something to report, or a location
// asked for): a plan of a clean manifest never needs its 72 modules (about 50 ms of start-up).
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
const isAlias = ((node: unknown) => yaml().isAlias(node)) as typeof Yaml.isAlias;
const isCollection = ((node: unknown) => yaml().isCollection(node)) as typeof Yaml.isCollection;
const isMap = ((node: unknown) => yaml().isMap(node)) as typeof Yaml.isMap;
const isNode = ((node: unknown) => yaml().isNode(node)) as typeof Yaml.isNode;
const isScalar = ((node: unknown) => yaml().isScalar(node)) as typeof Yaml.isScalar;
const isSeq = ((node: unknown) => yaml().isSeq(node)) as typeof Yaml.isSeq;

export interface ParsedFile {
  /** The file name as given or found; every issue and location of this file carries it. */
  file: string;
  /** The plain value (`null` for an empty file). */
  value: unknown;
  /** YAML syntax errors and duplicate keys. */
  issues: ManifestIssue[];
  warnings: ManifestIssue[];
  /** False when the YAML is broken beyond duplicate keys: its value is not worth validating. */
  isReadable: boolean;
  /** Where the value at `path` is written; a missing path gives its nearest written ancestor. */
  locate(path: YamlPath, at?: 'key' | 'value'): SourceLocation;
  /** A scalar as written: its parsed value (before `${env:…}`) and its source text. */
  scalarAt(path: YamlPath): { value: unknown; source: string } | undefined;
  toIssue(issue: PathIssue): ManifestIssue;
}

/**
 * Parses one manifest file; never throws on bad YAML (its errors become located issues). A file with
 * nothing to report is read by js-yaml, which is ten times faster than building yaml's Document; the
 * Document, which knows where each value is written, is built only when a later step asks, and is
 * not kept: a step after loading that needs a location parses the file again.
 */
export function parseManifestText(file: string, text: string): ParsedFile {
  const fast = fastManifestValue(text);
  if (fast === undefined) return parseLocated(file, text);
  let cached: WeakRef<ParsedFile> | undefined;
  const located = (): ParsedFile => {
    let parsed = cached?.deref();
    if (parsed === undefined) {
      parsed = parseLocated(file, text);
      cached = new WeakRef(parsed);
    }
    return parsed;
  };
  return {
    file,
    value: fast.value,
    issues: [],
    warnings: [],
    isReadable: true,
    locate: (path, at) => located().locate(path, at),
    scalarAt: (path) => located().scalarAt(path),
    toIssue: (issue) => located().toIssue(issue),
  };
}

// The merge key is YAML 1.1's, and yaml reads it with `merge: true`; js-yaml's core schema needs it added.
const FAST_SCHEMA = CORE_SCHEMA.withTags(mergeTag);
/** Plain keys read as the same string by both: no null, boolean or number, nothing that starts like one. */
const PLAIN_STRING_KEY = /^(?!(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)[A-Za-z_$][\w$.\-/ ]*$|^<<$/;

/**
 * The file's value when js-yaml reads it without complaint and it holds nothing the two libraries
 * read differently: one document, no duplicate key, no tag, no alias (yaml limits how far aliases
 * expand; js-yaml would share the objects), every key a string as written. Then yaml, with the
 * options `parseLocated` uses, reads the same value with no error and no warning
 * (test/manifest/fast-parse.test.ts checks every scalar form, anchors, merges, duplicate keys and
 * tags). Undefined otherwise: yaml's Document then reads the file and says what is wrong.
 */
export function fastManifestValue(text: string): { value: unknown } | undefined {
  try {
    const events = parseEvents(text, {});
    if (!hasPlainShape(text, events)) return undefined;
    const documents = constructFromEvents(events, { source: text, schema: FAST_SCHEMA, maxAliases: 0 });
    return documents.length === 1 ? { value: documents[0] } : undefined;
  } catch {
    return undefined;
  }
}

/** No tag, no alias, and every mapping key a scalar that both libraries read as the same string. */
function hasPlainShape(text: string, events: YamlEvent[]): boolean {
  // For each open collection: a mapping's next event is a key (true) or a value (false); a sequence's is neither.
  const expectsKey: (boolean | undefined)[] = [];
  for (const event of events) {
    const isKey = expectsKey.at(-1) === true;
    if (expectsKey.length > 0 && expectsKey.at(-1) !== undefined && event.type !== EVENT_ID.POP)
      expectsKey[expectsKey.length - 1] = !isKey;
    switch (event.type) {
      case EVENT_ID.ALIAS:
        return false;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        if (isKey || event.tagStart !== -1) return false;
        expectsKey.push(event.type === EVENT_ID.MAPPING ? true : undefined);
        break;
      case EVENT_ID.SCALAR:
        if (event.tagStart !== -1) return false;
        if (isKey && !isStringKey(text, event)) return false;
        break;
      case EVENT_ID.POP:
        expectsKey.pop();
        break;
      default:
        break;
    }
  }
  return true;
}

function isStringKey(text: string, key: ScalarEvent): boolean {
  if (key.style === SCALAR_STYLE.SINGLE_QUOTED || key.style === SCALAR_STYLE.DOUBLE_QUOTED) return true;
  return key.style === SCALAR_STYLE.PLAIN && PLAIN_STRING_KEY.test(getScalarValue(text, key));
}

/** The file read through yaml's Document, which locates every value and names every problem. */
function parseLocated(file: string, text: string): ParsedFile {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  // merge: `<<: *defaults` lets agents share blocks; prettyErrors off keeps source text out of messages.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, logLevel: 'error' });

  const at = (offset: number): SourceLocation => ({ file, ...lineCounter.linePos(offset) });
  const locate = (path: YamlPath, where: 'key' | 'value' = 'value'): SourceLocation =>
    at(offsetOf(findNode(doc, path), where));
  const toIssue = (issue: PathIssue): ManifestIssue => {
    const { line, col } = locate(issue.path, issue.at);
    const first = issue.firstAt === undefined ? '' : ` (first at line ${locate(issue.firstAt, issue.at).line})`;
    return {
      file,
      line,
      col,
      path: formatIssuePath(issue.path, issue.at),
      message: issue.message + first,
      ...(issue.hint === undefined ? {} : { hint: issue.hint }),
    };
  };
  const fromYamlError = (error: YAMLError): ManifestIssue => {
    const path = pathAtOffset(doc, error.pos[0]);
    const { line, col } = at(error.pos[0]);
    const described = describeYamlError(error, path);
    const lineText = text.slice(lineCounter.lineStarts[line - 1], lineCounter.lineStarts[line]);
    // `{` and `}` end a flow mapping, so an unquoted `${env:X}` inside `{ … }` breaks the YAML.
    const hint =
      described.hint ??
      (lineText.includes('${') ? 'quote values with `${…}` inside `{ … }` or `[ … ]`: "${env:NAME}"' : undefined);
    return { ...toIssue({ path, ...described, ...(hint === undefined ? {} : { hint }) }), line, col };
  };

  const issues = firstPerLine(doc.errors.map(fromYamlError));
  let isReadable = doc.errors.every((error) => error.code === 'DUPLICATE_KEY');
  let value: unknown = null;
  try {
    value = doc.toJS();
  } catch (error) {
    // Unresolved aliases and alias bombs only show when the value is built; a bomb is located at its first alias.
    const offset = unresolvedAliasOffset(doc) ?? firstAliasOffset(doc) ?? 0;
    issues.push({
      ...at(offset),
      path: formatPath(pathAtOffset(doc, offset)),
      message: lowerFirst((error as Error).message),
    });
    isReadable = false;
  }
  const tooDeep = pathDeeperThan(value, MAX_NESTING_DEPTH);
  if (tooDeep !== undefined) {
    issues.push(
      toIssue({
        path: tooDeep,
        message: `nested deeper than ${MAX_NESTING_DEPTH} levels`,
        hint: 'flatten this value; no Cekura field needs that depth',
      }),
    );
    value = null;
    isReadable = false;
  }

  return {
    file,
    value,
    issues,
    warnings: doc.warnings.map(fromYamlError),
    isReadable,
    locate,
    scalarAt(path) {
      const found = findNode(doc, path);
      if (!found.isComplete || !isScalar(found.node)) return undefined;
      const [start, end] = found.node.range ?? [0, 0];
      return { value: found.node.value, source: text.slice(start, end) };
    },
    toIssue,
  };
}

function describeYamlError(error: YAMLError, path: YamlPath): Omit<PathIssue, 'path'> {
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return {
        message: `duplicate key \`${String(path.at(-1))}\``,
        hint: 'a key may appear once in a mapping; YAML would silently keep only the last one',
        at: 'key',
        firstAt: path,
      };
    case 'MULTIPLE_DOCS':
      return {
        message: 'a manifest file holds one YAML document',
        hint: 'put each document after `---` in a file of its own, and pass their directory with -f',
      };
    case 'BAD_DQ_ESCAPE':
      // yaml's own message quotes the source, which may be a literal secret.
      return {
        message: 'invalid escape sequence in a double-quoted string',
        hint: 'use single quotes, or write `\\\\` for a backslash',
      };
    default:
      return { message: lowerFirst(error.message) };
  }
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** One YAML mistake often yields several errors on its line; the first one names it. */
function firstPerLine(issues: ManifestIssue[]): ManifestIssue[] {
  return issues.filter((issue, index) => issues.findIndex((other) => other.line === issue.line) === index);
}

interface FoundNode {
  /** The deepest node reached along the path. */
  node: Node | null;
  /** The key of that node when it is a mapping value. */
  key: Node | null;
  /** Whether the whole path was found. */
  isComplete: boolean;
}

function findNode(doc: Document, path: YamlPath): FoundNode {
  let found: FoundNode = { node: resolved(doc, doc.contents), key: null, isComplete: true };
  for (const segment of path) {
    const child = childOf(doc, found.node, segment);
    if (child === undefined) return { ...found, isComplete: false };
    found = { ...child, isComplete: true };
  }
  return found;
}

function childOf(
  doc: Document,
  node: Node | null,
  segment: string | number,
): Omit<FoundNode, 'isComplete'> | undefined {
  if (isMap(node) && typeof segment === 'string') {
    const pair = pairOf(doc, node, segment);
    return pair === undefined
      ? undefined
      : { node: resolved(doc, pair.value), key: isNode(pair.key) ? pair.key : null };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : { node: resolved(doc, item), key: null };
  }
  return undefined;
}

/** The first pair with this key, looking into `<<:` merges as YAML does. */
function pairOf(doc: Document, map: YAMLMap, key: string): Pair | undefined {
  const own = pairIndexOf(map).get(key);
  if (own !== undefined) return own;
  for (const merge of map.items.filter(isMergePair)) {
    const value = resolved(doc, merge.value);
    const sources = isSeq(value) ? value.items.map((item) => resolved(doc, item)) : [value];
    for (const source of sources) {
      const pair = isMap(source) ? pairOf(doc, source, key) : undefined;
      if (pair !== undefined) return pair;
    }
  }
  return undefined;
}

// Every field of every agent is located, so a linear scan of `agents:` per lookup made loading quadratic.
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The map's own pairs by key text, the first of duplicate keys winning; built on the first lookup. */
function pairIndexOf(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      const text = keyText(pair.key);
      if (text !== undefined && !index.has(text)) index.set(text, pair);
    }
    pairIndexes.set(map, index);
  }
  return index;
}

function resolved(doc: Document, value: unknown): Node | null {
  if (isAlias(value)) return value.resolve(doc) ?? null;
  return isNode(value) ? value : null;
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  const { visit } = yaml();
  visit(doc, {
    Alias(_, alias) {
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

function unresolvedAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  const { visit } = yaml();
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && (pair.key.value === '<<' || typeof pair.key.value === 'symbol');
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/** Scalars and flow collections point at the value; block collections and empty values at their key. */
function offsetOf({ node, key, isComplete }: FoundNode, where: 'key' | 'value'): number {
  const range = node?.range;
  if (
    isComplete &&
    where === 'value' &&
    range &&
    range[0] < range[1] &&
    (isScalar(node) || (isCollection(node) && node.flow === true))
  ) {
    return range[0];
  }
  return key?.range?.[0] ?? range?.[0] ?? 0;
}

function pathAtOffset(doc: Document, offset: number): YamlPath {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  descend: while (isCollection(node)) {
    for (const [index, item] of node.items.entries()) {
      if (isMap(node)) {
        const pair = item as Pair;
        const key = keyText(pair.key);
        if (key === undefined) continue;
        if (contains(pair.key, offset)) return [...path, key];
        if (contains(pair.value, offset)) {
          path.push(key);
          node = pair.value;
          continue descend;
        }
      } else if (contains(item, offset)) {
        path.push(index);
        node = item;
        continue descend;
      }
    }
    break;
  }
  return path;
}

function contains(node: unknown, offset: number): boolean {
  if (!isNode(node) || !node.range) return false;
  return node.range[0] <= offset && offset < node.range[2];
}

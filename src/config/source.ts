/**
 * The parsed YAML document kept next to the plain value, so that every problem found in the value can be
 * pointed back at the line and column where the user wrote it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node, Pair } from 'yaml';

/** One step into the config: a mapping key or a list index. */
export type PathSegment = string | number;

/** A 1-based position; `{0, 0}` when there is none. */
export interface Position {
  line: number;
  column: number;
}

/** A YAML document with what is needed to turn offsets and paths into positions. */
export interface YamlSource {
  document: Document.Parsed;
  lineCounter: LineCounter;
}

/** Parses one YAML document, keeping positions; duplicate keys are errors (`uniqueKeys`). */
export function parseYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    // Messages stay one line; the position is reported separately.
    prettyErrors: false,
    uniqueKeys: true,
    // `<<: *defaults` is a common way to share stage fields; supported as YAML 1.1 did.
    merge: true,
  });
  return { document, lineCounter };
}

/** Position of a character offset in the source text. */
export function positionAtOffset(source: YamlSource, offset: number): Position {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

function positionOfNode(source: YamlSource, node: Node | null | undefined): Position | undefined {
  const range = node?.range;
  return range ? positionAtOffset(source, range[0]) : undefined;
}

function resolve(source: YamlSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.document) : node;
}

function findPair(map: unknown, key: PathSegment): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(key));
}

/**
 * Where `path` was written: the value's node, or with `target: 'key'` the key's node. When the path
 * leads somewhere the file does not spell out (a default, a merged key), the deepest node on the way.
 */
export function positionOfPath(
  source: YamlSource,
  path: readonly PathSegment[],
  target: 'value' | 'key' = 'value',
): Position {
  const root = source.document.contents;
  let deepest: Position = positionOfNode(source, root) ?? { line: 1, column: 1 };
  let node: unknown = root;
  for (const [index, segment] of path.entries()) {
    node = resolve(source, node);
    const isLast = index === path.length - 1;
    if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      const pair = findPair(node, segment);
      if (!pair) return deepest;
      const keyPosition = positionOfNode(source, pair.key as Node);
      if (isLast && target === 'key' && keyPosition) return keyPosition;
      // `key:` with nothing after it has no value node; point at the key.
      node = pair.value ?? pair.key;
      if (pair.value === null && keyPosition) return keyPosition;
    }
    const here = positionOfNode(source, node as Node | undefined);
    if (!here) return deepest;
    deepest = here;
  }
  return deepest;
}

/**
 * How the scalar at `path` is spelled in the file (`1e400`, `99999999999999999999`), when the path
 * leads exactly to a scalar written there; undefined for defaults, merged keys and collections.
 */
export function scalarSourceAt(source: YamlSource, path: readonly PathSegment[]): string | undefined {
  let node: unknown = source.document.contents;
  for (const segment of path) {
    node = resolve(source, node);
    if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
    else node = findPair(node, segment)?.value;
  }
  node = resolve(source, node);
  return isScalar(node) ? node.source : undefined;
}

/** The config path of the node that covers `offset` (deepest first), for problems the parser reports. */
export function pathAtOffset(source: YamlSource, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = source.document.contents;
  const covers = (candidate: unknown): boolean => {
    const range = (candidate as Node | null | undefined)?.range;
    return (
      range !== undefined && range !== null && range[0] <= offset && offset < Math.max(range[1], range[0] + 1)
    );
  };
  for (;;) {
    if (isMap(node)) {
      // A pair spans from its key to the end of its value, tags and anchors in between included.
      const pair = node.items.find((item) => {
        const start = (item.key as Node | null)?.range?.[0];
        const end = (item.value as Node | null)?.range?.[1] ?? (item.key as Node | null)?.range?.[1];
        return (
          start !== undefined && end !== undefined && start <= offset && offset < Math.max(end, start + 1)
        );
      });
      if (!pair || !isScalar(pair.key)) return path;
      path.push(String(pair.key.value));
      if (covers(pair.key)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => covers(item));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

/** A structural problem the parser lets through but the loader must refuse. */
export interface StructureProblem {
  offset: number;
  message: string;
}

/**
 * Finds keys that are not plain text (`? [a, b]`, `{a: 1}: x`, a missing key) and aliases without an
 * anchor. Converting such a document would either fail with a bare exception or silently invent keys.
 */
export function findStructureProblems(source: YamlSource): StructureProblem[] {
  const problems: StructureProblem[] = [];
  visit(source.document, {
    Pair(_key, pair) {
      if (!isPair(pair)) return;
      const key = pair.key;
      if (isScalar(key) && key.value !== null && typeof key.value !== 'object') return;
      const offset = (key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
      problems.push({
        offset,
        message: isAlias(key)
          ? 'expected a plain key, found an alias (*name) as a key'
          : isScalar(key) && key.value !== null
            ? 'expected a plain key, found a non-text key'
            : key === null || (isScalar(key) && key.value === null)
              ? 'expected a key before ":", found none'
              : 'expected a plain key, found a list or a mapping used as a key',
      });
    },
    Alias(_key, alias) {
      if (alias.resolve(source.document) === undefined) {
        problems.push({
          offset: alias.range?.[0] ?? 0,
          message: `alias *${alias.source} refers to no anchor; define "&${alias.source}" before it`,
        });
      }
    },
  });
  return problems;
}

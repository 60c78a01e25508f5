/**
 * Words for config problems: what a schema node expects, what the user wrote instead, and the nearest
 * known name. Every message reads `expected <what>, found <what>` so users see both sides at once.
 */
import type { SchemaNode } from './schema.js';
import type { PathSegment } from './source.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `['stages', 2, 'iterations']` → `stages[2].iterations`; odd keys are quoted: `hardware_plan["a.b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Integers get thousands separators (`10,000,000`), the YAML spellings stand for non-finite numbers. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (Number.isInteger(value) && Math.abs(value) >= 10_000 && Math.abs(value) < 1e21) {
    const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ',');
    return value < 0 ? `-${digits}` : digits;
  }
  return String(value);
}

const MAX_SHOWN_STRING_LENGTH = 60;

function quote(text: string): string {
  const shown = text.length > MAX_SHOWN_STRING_LENGTH ? `${text.slice(0, MAX_SHOWN_STRING_LENGTH)}…` : text;
  return JSON.stringify(shown);
}

/** YAML 1.2 reads these as strings, which surprises users of YAML 1.1 tools. */
const YAML11_BOOLEAN_WORDS = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

function typesOf(schema: SchemaNode): string[] {
  if (schema.type === undefined) return schema.enum ? ['string'] : [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

/**
 * Describes a value the user wrote; names its type when the type is what is wrong. `writtenAs` is the
 * number as spelled in the file, shown instead of the parsed value (which may have been rounded).
 */
export function describeValue(value: unknown, schema: SchemaNode, writtenAs?: string): string {
  const types = typesOf(schema);
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  if (typeof value === 'boolean') return types.includes('boolean') ? String(value) : `${value} (a boolean)`;
  if (typeof value === 'number') {
    const shown = writtenAs ?? formatNumber(value);
    if (!Number.isFinite(value)) {
      // `1e400` is finite on paper; YAML reads it as infinity.
      const spelledInfinite = writtenAs === undefined || /inf|nan/i.test(writtenAs);
      return spelledInfinite
        ? `${shown} (not a finite number)`
        : `${shown} (too large: YAML reads it as infinity)`;
    }
    if (types.includes('number')) return shown;
    if (types.includes('integer')) return Number.isInteger(value) ? shown : `${shown} (not an integer)`;
    return `${shown} (a number)`;
  }
  if (typeof value === 'string') {
    if (types.includes('string')) return quote(value);
    if (types.includes('boolean') && YAML11_BOOLEAN_WORDS.has(value.toLowerCase())) {
      return `${quote(value)} (a string: YAML 1.2 reads yes/no/on/off as text)`;
    }
    return `${quote(value)} (a string)`;
  }
  return `a ${typeof value}`;
}

function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function lowerBound(schema: SchemaNode): string | undefined {
  if (schema.exclusiveMinimum !== undefined) return `> ${formatNumber(schema.exclusiveMinimum)}`;
  if (schema.minimum !== undefined) return `≥ ${formatNumber(schema.minimum)}`;
  return undefined;
}

function plural(noun: string): string {
  return noun.endsWith('s') ? noun : `${noun}s`;
}

/**
 * What a schema node accepts, in words. `failed` holds the keywords the value broke: the bound that was
 * broken is the one named (`≤ 10,000,000` only matters to someone who wrote more).
 */
export function describeExpectation(
  schema: SchemaNode,
  failed: ReadonlySet<string> = new Set(),
  hiddenEnumValues: readonly string[] = [],
): string {
  if (schema.enum) {
    const shown = schema.enum.filter((value) => !hiddenEnumValues.includes(value));
    return joinAlternatives(shown.map((value) => JSON.stringify(value)));
  }
  const types = typesOf(schema);
  if (types.length > 1) {
    if (failed.has('maximum') && schema.maximum !== undefined)
      return `a number ≤ ${formatNumber(schema.maximum)}`;
    if (failed.has('minimum') && schema.minimum !== undefined)
      return `a number ≥ ${formatNumber(schema.minimum)}`;
    return joinAlternatives(types.map((type) => (type === 'integer' ? 'an integer' : `a ${type}`)));
  }
  switch (types[0]) {
    case 'integer':
    case 'number': {
      const noun = types[0] === 'integer' ? 'an integer' : 'a number';
      if (failed.has('maximum') && schema.maximum !== undefined)
        return `${noun} ≤ ${formatNumber(schema.maximum)}`;
      const bound = lowerBound(schema);
      return bound ? `${noun} ${bound}` : noun;
    }
    case 'string':
      return schema.minLength !== undefined && schema.minLength > 0 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array': {
      const what = schema.items?.title ? ` of ${plural(schema.items.title)}` : '';
      return schema.minItems !== undefined && schema.minItems > 0
        ? `a non-empty list${what}`
        : `a list${what}`;
    }
    case 'object': {
      if (schema.title && schema.required) {
        // A stage also needs time_between_requests and iterations unless it is a search (validate.ts).
        const keys =
          schema.title === 'stage'
            ? [...schema.required, 'time_between_requests', 'iterations']
            : schema.required;
        return `a ${schema.title} (a mapping with ${joinAlternatives(keys).replace(/ or ([^ ]+)$/, ' and $1')})`;
      }
      const keyTitle = schema.propertyNames?.title;
      if (schema.minProperties !== undefined && schema.minProperties > 0 && keyTitle) {
        return `a mapping with at least one ${keyTitle}`;
      }
      return keyTitle ? `a mapping of ${keyTitle} to value` : 'a mapping';
    }
    default:
      return 'a value';
  }
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), so `iteartions` is one edit
 * from `iterations`, as a person would count it.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number): number => distance[row]?.[column] ?? Infinity;
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        best = Math.min(best, at(row - 2, column - 2) + 1);
      }
      (distance[row] as number[])[column] = best;
    }
  }
  return at(a.length, b.length);
}

/** A shortened key (`timeout` for `timeout_seconds`) needs this many letters to be recognised. */
const MIN_PREFIX_LENGTH = 4;

/**
 * The candidate closest to `word` (case-insensitive), if it is close enough to be a plausible typo:
 * at most a third of the candidate's length and never more than 3 edits; failing that, the only
 * candidate that starts with `word` (`hardware` → `hardware_plan`).
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lowerWord = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lowerWord, candidate.toLowerCase());
    const allowed = Math.min(3, Math.max(1, Math.floor(candidate.length / 3)));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined || lowerWord.length < MIN_PREFIX_LENGTH) return best;
  const extensions = candidates.filter((candidate) => candidate.toLowerCase().startsWith(lowerWord));
  return extensions.length === 1 ? extensions[0] : undefined;
}

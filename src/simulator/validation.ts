/**
 * Request validation with FastAPI/pydantic's 422 `{"detail": [...]}` shapes, so clients see the same
 * errors as from EXO.
 */

/** One pydantic error item. */
export interface DetailItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** A validated chat request (only what the simulator uses). */
export interface ChatRequest {
  model: string;
  messages: unknown[];
  stream: boolean;
  maxTokens: number;
  usePrefixCache: boolean;
  includeUsage: boolean;
}

/** EXO's default `max_tokens` when the field is absent. */
export const DEFAULT_MAX_TOKENS = 32168;

const ROLES = ['system', 'user', 'assistant', 'developer', 'tool', 'function'];
const ROLES_TEXT = "'system', 'user', 'assistant', 'developer', 'tool' or 'function'";

/** pydantic's message for a body that is not an object. */
export function notAnObject(input: unknown): DetailItem[] {
  return [
    {
      type: 'model_attributes_type',
      loc: ['body'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input,
    },
  ];
}

/** Parses a JSON body; returns the value or FastAPI's `json_invalid` detail. */
export function parseJsonBody(text: string): { value: unknown } | { detail: DetailItem[] } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const match = /position (\d+)/.exec((error as Error).message);
    return {
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', match ? Number(match[1]) : 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting value' },
        },
      ],
    };
  }
}

function checkInt(value: unknown, loc: (string | number)[], out: DetailItem[]): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'number') {
    out.push({
      type: 'int_from_float',
      loc,
      msg: 'Input should be a valid integer, got a number with a fractional part',
      input: value,
    });
  } else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  else if (typeof value === 'string') {
    out.push({
      type: 'int_parsing',
      loc,
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: value,
    });
  } else out.push({ type: 'int_type', loc, msg: 'Input should be a valid integer', input: value });
  return null;
}

function checkBool(value: unknown, loc: (string | number)[], out: DetailItem[]): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (
    typeof value === 'string' &&
    ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(value.toLowerCase())
  ) {
    return ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
  }
  out.push({
    type: 'bool_parsing',
    loc,
    msg: 'Input should be a valid boolean, unable to interpret input',
    input: value,
  });
  return null;
}

/** Validates a chat/bench body the way EXO's pydantic model does (the fields the simulator uses). */
export function validateChatBody(
  body: unknown,
  bench: boolean,
): { value: ChatRequest } | { detail: DetailItem[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { detail: notAnObject(body) };
  const b = body as Record<string, unknown>;
  const detail: DetailItem[] = [];
  if (!('model' in b))
    detail.push({ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: body });
  else if (typeof b.model !== 'string') {
    detail.push({
      type: 'string_type',
      loc: ['body', 'model'],
      msg: 'Input should be a valid string',
      input: b.model,
    });
  }
  if (!('messages' in b))
    detail.push({ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: body });
  else if (!Array.isArray(b.messages)) {
    detail.push({
      type: 'list_type',
      loc: ['body', 'messages'],
      msg: 'Input should be a valid list',
      input: b.messages,
    });
  } else {
    b.messages.forEach((m: unknown, i) => {
      if (m === null || typeof m !== 'object' || Array.isArray(m)) {
        detail.push({
          type: 'model_type',
          loc: ['body', 'messages', i],
          msg: 'Input should be a valid dictionary or instance of ChatCompletionMessage',
          input: m,
        });
        return;
      }
      const msg = m as Record<string, unknown>;
      if (!('role' in msg))
        detail.push({
          type: 'missing',
          loc: ['body', 'messages', i, 'role'],
          msg: 'Field required',
          input: m,
        });
      else if (typeof msg.role !== 'string' || !ROLES.includes(msg.role)) {
        detail.push({
          type: 'literal_error',
          loc: ['body', 'messages', i, 'role'],
          msg: `Input should be ${ROLES_TEXT}`,
          input: msg.role,
          ctx: { expected: ROLES_TEXT },
        });
      }
      const c = msg.content;
      if (c !== undefined && c !== null && typeof c !== 'string' && typeof c !== 'object') {
        detail.push({
          type: 'string_type',
          loc: ['body', 'messages', i, 'content', 'str'],
          msg: 'Input should be a valid string',
          input: c,
        });
      }
    });
  }
  let stream = false;
  if (b.stream !== undefined && b.stream !== null)
    stream = checkBool(b.stream, ['body', 'stream'], detail) ?? false;
  let maxTokens = DEFAULT_MAX_TOKENS;
  if (b.max_tokens !== undefined && b.max_tokens !== null) {
    maxTokens = checkInt(b.max_tokens, ['body', 'max_tokens'], detail) ?? DEFAULT_MAX_TOKENS;
  }
  let usePrefixCache = !bench;
  if (bench && b.use_prefix_cache !== undefined && b.use_prefix_cache !== null) {
    usePrefixCache = checkBool(b.use_prefix_cache, ['body', 'use_prefix_cache'], detail) ?? false;
  }
  const so = b.stream_options;
  const includeUsage =
    so !== null && typeof so === 'object' && (so as Record<string, unknown>).include_usage === true;
  if (detail.length > 0) return { detail };
  return {
    value: {
      model: b.model as string,
      messages: b.messages as unknown[],
      stream,
      maxTokens: Math.max(0, maxTokens),
      usePrefixCache,
      includeUsage,
    },
  };
}

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

/** `model`: required, a string. */
function checkModel(fields: Record<string, unknown>, body: unknown, detail: DetailItem[]): void {
  if (!('model' in fields))
    detail.push({ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: body });
  else if (typeof fields.model !== 'string') {
    detail.push({
      type: 'string_type',
      loc: ['body', 'model'],
      msg: 'Input should be a valid string',
      input: fields.model,
    });
  }
}

/** One message of `messages`: an object with a known role and a string (or structured) content. */
function checkMessage(message: unknown, index: number, detail: DetailItem[]): void {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    detail.push({
      type: 'model_type',
      loc: ['body', 'messages', index],
      msg: 'Input should be a valid dictionary or instance of ChatCompletionMessage',
      input: message,
    });
    return;
  }
  const messageFields = message as Record<string, unknown>;
  if (!('role' in messageFields))
    detail.push({
      type: 'missing',
      loc: ['body', 'messages', index, 'role'],
      msg: 'Field required',
      input: message,
    });
  else if (typeof messageFields.role !== 'string' || !ROLES.includes(messageFields.role)) {
    detail.push({
      type: 'literal_error',
      loc: ['body', 'messages', index, 'role'],
      msg: `Input should be ${ROLES_TEXT}`,
      input: messageFields.role,
      ctx: { expected: ROLES_TEXT },
    });
  }
  const content = messageFields.content;
  if (
    content !== undefined &&
    content !== null &&
    typeof content !== 'string' &&
    typeof content !== 'object'
  ) {
    detail.push({
      type: 'string_type',
      loc: ['body', 'messages', index, 'content', 'str'],
      msg: 'Input should be a valid string',
      input: content,
    });
  }
}

/** `messages`: required, a list of messages. */
function checkMessages(fields: Record<string, unknown>, body: unknown, detail: DetailItem[]): void {
  if (!('messages' in fields))
    detail.push({ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: body });
  else if (!Array.isArray(fields.messages)) {
    detail.push({
      type: 'list_type',
      loc: ['body', 'messages'],
      msg: 'Input should be a valid list',
      input: fields.messages,
    });
  } else fields.messages.forEach((message: unknown, index) => checkMessage(message, index, detail));
}

/** Validates a chat/bench body the way EXO's pydantic model does (the fields the simulator uses). */
export function validateChatBody(
  body: unknown,
  bench: boolean,
): { value: ChatRequest } | { detail: DetailItem[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { detail: notAnObject(body) };
  const fields = body as Record<string, unknown>;
  const detail: DetailItem[] = [];
  checkModel(fields, body, detail);
  checkMessages(fields, body, detail);
  let stream = false;
  if (fields.stream !== undefined && fields.stream !== null)
    stream = checkBool(fields.stream, ['body', 'stream'], detail) ?? false;
  let maxTokens = DEFAULT_MAX_TOKENS;
  if (fields.max_tokens !== undefined && fields.max_tokens !== null) {
    maxTokens = checkInt(fields.max_tokens, ['body', 'max_tokens'], detail) ?? DEFAULT_MAX_TOKENS;
  }
  let usePrefixCache = !bench;
  if (bench && fields.use_prefix_cache !== undefined && fields.use_prefix_cache !== null) {
    usePrefixCache = checkBool(fields.use_prefix_cache, ['body', 'use_prefix_cache'], detail) ?? false;
  }
  const streamOptions = fields.stream_options;
  const includeUsage =
    streamOptions !== null &&
    typeof streamOptions === 'object' &&
    (streamOptions as Record<string, unknown>).include_usage === true;
  if (detail.length > 0) return { detail };
  return {
    value: {
      model: fields.model as string,
      messages: fields.messages as unknown[],
      stream,
      maxTokens: Math.max(0, maxTokens),
      usePrefixCache,
      includeUsage,
    },
  };
}

/**
 * A deterministic stand-in tokenizer. Real tokenizers are unavailable (no model files here), but the
 * benchmark needs `usage.prompt_tokens` to depend on the text the way a real one does: roughly one
 * token per word or punctuation mark, long words split every 4 characters, plus a fixed chat-template
 * overhead per message and per request (Llama 3's template adds a header per message and a system
 * preamble per request).
 */

/** Chat-template overhead, in tokens. The defaults give `[{"role":"user","content":"hi"}]` 32 tokens. */
export interface TemplateTokens {
  /** Tokens the template adds around every message (role header, end-of-turn). */
  templateTokensPerMessage: number;
  /** Tokens the template adds once per request (BOS, default system preamble, assistant header). */
  templateTokensPerRequest: number;
}

/** Defaults of {@link TemplateTokens}. */
export const DEFAULT_TEMPLATE_TOKENS: TemplateTokens = {
  templateTokensPerMessage: 5,
  templateTokensPerRequest: 26,
};

/** Prefix-cache granularity: prompts are compared in blocks of this many tokens. */
export const PREFIX_BLOCK_TOKENS = 16;

/** What the simulator needs to know about a prompt: its length and hashes of its prefixes. */
export interface PromptFingerprint {
  tokenCount: number;
  /** Cumulative hash after every {@link PREFIX_BLOCK_TOKENS} tokens (index i covers (i+1)·block tokens). */
  blockHashes: number[];
  /** Hash of the whole prompt (an exact prefix-cache hit). */
  fullHash: number;
}

// Words (letters, digits, underscore, any script) or single other non-space characters.
const TOKEN_RE = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;
const WORD_PIECE_CHARS = 4;

/** Extracts the text of a message's `content` (string, a text part, or a list of parts). */
function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return null;
  const parts = Array.isArray(content) ? content : [content];
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else if (part !== null && typeof part === 'object') {
      const p = part as Record<string, unknown>;
      if (typeof p.text === 'string') text += (text ? '\n' : '') + p.text;
    }
  }
  return text;
}

/** Incremental two-lane FNV-1a so that 53 bits of hash survive as a JS number. */
class PrefixHasher {
  h1 = 0x811c9dc5;
  h2 = 0x01000193 ^ 0x5bd1e995;
  count = 0;
  readonly blockHashes: number[] = [];

  addToken(token: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < token.length; i++) {
      const c = token.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 15);
    }
    // A separator keeps "ab"+"c" apart from "a"+"bc".
    h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
    h2 = Math.imul(h2 ^ 0x1f, 0x01000193);
    this.h1 = h1;
    this.h2 = h2;
    this.count++;
    if (this.count % PREFIX_BLOCK_TOKENS === 0) this.blockHashes.push(this.value());
  }

  value(): number {
    return (this.h1 >>> 0) * 0x200000 + ((this.h2 >>> 0) & 0x1fffff);
  }
}

function addText(hasher: PrefixHasher, text: string): void {
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const word = m[0];
    if (word.length <= WORD_PIECE_CHARS) hasher.addToken(word);
    else
      for (let i = 0; i < word.length; i += WORD_PIECE_CHARS)
        hasher.addToken(word.slice(i, i + WORD_PIECE_CHARS));
  }
}

/**
 * Tokenises a chat request the way the simulator's engine sees it: request overhead first, then per
 * message a role header and the content. Messages whose content is null are dropped, as EXO does.
 */
export function fingerprintPrompt(
  messages: readonly unknown[],
  template: TemplateTokens = DEFAULT_TEMPLATE_TOKENS,
): PromptFingerprint {
  const hasher = new PrefixHasher();
  for (let i = 0; i < template.templateTokensPerRequest; i++) hasher.addToken(`\u0000req${i}`);
  for (const message of messages) {
    if (message === null || typeof message !== 'object') continue;
    const m = message as Record<string, unknown>;
    const text = contentText(m.content);
    if (text === null) continue;
    const role = typeof m.role === 'string' ? m.role : 'user';
    for (let i = 0; i < template.templateTokensPerMessage; i++) hasher.addToken(`\u0000${role}${i}`);
    addText(hasher, text);
  }
  return { tokenCount: hasher.count, blockHashes: hasher.blockHashes, fullHash: hasher.value() };
}

/** Number of tokens of a plain text (no template). */
export function countTextTokens(text: string): number {
  const hasher = new PrefixHasher();
  addText(hasher, text);
  return hasher.count;
}

/**
 * Prompt tokens the simulator reports in `usage.prompt_tokens` for these chat messages (OpenAI shape:
 * `{role, content}` with string or part-list content), template overhead included.
 */
export function countPromptTokens(messages: readonly unknown[], template?: Partial<TemplateTokens>): number {
  return fingerprintPrompt(messages, { ...DEFAULT_TEMPLATE_TOKENS, ...template }).tokenCount;
}

/**
 * Output vocabulary: what generated tokens say. Each entry is one token; the JSON-escaped forms are
 * precomputed so the hot path only concatenates strings.
 */
export const OUTPUT_VOCABULARY: readonly string[] = [
  ' the',
  ' cluster',
  ' of',
  ' and',
  ' model',
  ' to',
  ' a',
  ' in',
  ' token',
  ' is',
  ',',
  ' that',
  ' for',
  ' node',
  ' with',
  ' as',
  ' on',
  ' it',
  '.',
  ' be',
  ' this',
  ' by',
  ' memory',
  ' are',
  ' from',
  ' at',
  ' layer',
  ' an',
  ' we',
  ' can',
  ' which',
  ' batch',
  ' stream',
  ' or',
  ' has',
  ' not',
  ' its',
  ' more',
  ' each',
  ' time',
  ' first',
  ' one',
  ' will',
  ' data',
  ' runs',
  ' all',
  ' into',
  ' when',
  ' fast',
  ' load',
  ' Mac',
  ' ring',
  ' shard',
  ' if',
  ' then',
  ' so',
  ' out',
  ' new',
  ' also',
  ' over',
  ' after',
  ' best',
  ' way',
  '\n',
];

/** {@link OUTPUT_VOCABULARY} as JSON string literals (with quotes). */
export const OUTPUT_VOCABULARY_JSON: readonly string[] = OUTPUT_VOCABULARY.map((t) => JSON.stringify(t));

/** Index into the output vocabulary of token `index` of a request seeded with `tokenSeed`. */
export function outputTokenIndex(tokenSeed: number, index: number): number {
  return (tokenSeed + index * 7) % OUTPUT_VOCABULARY.length;
}

/** The text of the first `count` generated tokens of a request (non-streaming bodies). */
export function outputText(tokenSeed: number, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += OUTPUT_VOCABULARY[outputTokenIndex(tokenSeed, i)];
  return text;
}

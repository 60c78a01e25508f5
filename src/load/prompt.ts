/**
 * Prompt text of a given number of tokens, without a tokenizer. A prompt is an optional nonce followed
 * by a body of filler words; its shape (how many words, whether a final `.` follows) is what
 * calibration (./calibrate.ts) searches so that the server's own `usage.prompt_tokens`, chat template
 * included, equals the requested length. Without calibration the shape is an estimate.
 *
 * Why the pieces look the way they do:
 * - Filler words are short (≤ 4 letters), lower-case and common: one token each, with their leading
 *   space, in the BPE vocabularies of Llama, Qwen, Mistral and GPT models, and in the simulator's
 *   stand-in tokenizer (which splits longer words every 4 characters). One more word is one more token,
 *   so every length is reachable and the search converges in two or three probes.
 * - The nonce is a fixed number of decimal digits. Every mainstream pre-tokenizer splits digit runs by
 *   position alone (Llama 3 / GPT-4: groups of three; Qwen, Llama 2, Mistral: one digit each), never
 *   by value, so every nonce of a run has the same token count and a length calibrated with one nonce
 *   holds for all of them. Hex or base-36 text would not: letters merge into tokens of varying length.
 * - The nonce's first digits are a hash of the request's identity, so two requests differ from the very
 *   first token after the chat template: nothing of theirs (not even a bracket) extends the template's
 *   shared, cacheable preamble into a further cache block.
 * - Bodies are identical across the requests of a stage; only the nonce differs. It comes first, so no
 *   two prompts share a cacheable prefix beyond the chat template's own preamble.
 */

/** Short, common words: one token each with a leading space, in real vocabularies and the simulator's. */
export const FILLER_WORDS = (
  'the of and to in is was for on are with as be at by this had not but from or have an they one you ' +
  'were all we her she been if more when will who so no out up into do than can its time only new some ' +
  'may then any like our over such make most also did many well much your way down very each just how ' +
  'said back use'
).split(' ');

/** Tokens a chat template typically adds around one user message (role markers, BOS, header). */
export const ESTIMATED_TEMPLATE_OVERHEAD_TOKENS = 8;

/** Decimal digits in a nonce: 8 identify the run and stage, 8 the request (iterations ≤ 10^7). */
export const NONCE_DIGITS = 16;

/** Tokens a nonce is assumed to take before calibration (Llama 3: 6 groups of up to 3 digits). */
export const ESTIMATED_NONCE_TOKENS = 6;

/** What varies in a prompt body: the number of filler words and an optional final period. */
export interface PromptShape {
  /**
   * Number of filler words.
   * @asType integer
   * @minimum 0
   */
  words: number;
  /** A final `.`: one token more, for lengths a whole word cannot hit exactly. */
  period: boolean;
}

/** FNV-1a of a string, 32 bits: a stable scatter of the run and stage identity into digits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The unique opening of one request's prompt: 16 decimal digits. The first 8 scatter the run, the scope
 * (a stage name, or a calibration scope) and the index, so prompts diverge at their first token; the
 * last 8 are the index itself, so two requests of a scope never share a nonce. Always the same width.
 */
export function promptNonce(runId: string, scope: string, index: number): string {
  const half = NONCE_DIGITS / 2;
  const position = Math.max(0, Math.floor(index)) % 10 ** half;
  const scatter = String(fnv1a(`${runId}\u0000${scope}\u0000${position}`) % 10 ** half).padStart(half, '0');
  return `${scatter}${String(position).padStart(half, '0')}`;
}

/** The body of a prompt of this shape: the first `words` filler words, then `.` if asked. */
export function promptBody(shape: PromptShape): string {
  const words: string[] = new Array<string>(shape.words);
  for (let index = 0; index < shape.words; index += 1)
    words[index] = FILLER_WORDS[index % FILLER_WORDS.length] as string;
  const body = words.join(' ');
  return shape.period ? `${body}.` : body;
}

/** A whole prompt: the nonce (when given), a space, the body. */
export function composePrompt(nonce: string | undefined, body: string): string {
  if (nonce === undefined) return body;
  return body === '' ? nonce : `${nonce} ${body}`;
}

/** The shape calibration starts from: one token per word after an assumed template and nonce. */
export function estimatePromptShape(promptLengthTokens: number, withNonce: boolean): PromptShape {
  const words =
    promptLengthTokens - ESTIMATED_TEMPLATE_OVERHEAD_TOKENS - (withNonce ? ESTIMATED_NONCE_TOKENS : 0);
  return { words: Math.max(1, words), period: false };
}

/**
 * Prompt text of about `promptLengthTokens` tokens (an estimate, uncalibrated), opened by `nonce` when
 * given. Kept for callers that do not calibrate.
 */
export function buildPromptText(promptLengthTokens: number, nonce: string | undefined): string {
  return composePrompt(nonce, promptBody(estimatePromptShape(promptLengthTokens, nonce !== undefined)));
}

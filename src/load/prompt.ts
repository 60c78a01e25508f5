/**
 * Prompt text of about `prompt_length` tokens, without a tokenizer. Common short English words are one
 * token each in the BPE vocabularies of the models EXO serves (and in the simulator's stand-in
 * tokenizer), so N words ≈ N tokens plus the chat template's overhead. Exact sizing against the
 * server's own count is a separate step (calibration); this is the estimate it starts from.
 */

/** Short, common words: one token each with a leading space in Llama/Qwen vocabularies. */
const FILLER_WORDS = (
  'the of and to in is was for on are with as be at by this had not but from or have an they which one ' +
  'you were all we her she there been if more when will would who so no out up into do than can its ' +
  'time only new some could these two may first then any like our over such make most after also did ' +
  'many well where much your way down should very each just those how said back use'
).split(' ');

/** Tokens a chat template typically adds around one user message (role markers, BOS, header). */
export const ESTIMATED_TEMPLATE_OVERHEAD_TOKENS = 8;

/** Tokens taken by the nonce prefix `[r <hex>]` (bracket, letter, hex groups, bracket: about 6). */
const NONCE_TOKENS = 6;

/** A unique prefix for one request, so no two prompts share a cached prefix. */
export function promptNonce(runId: string, stage: string, index: number): string {
  return `[r ${runId}-${stage.length.toString(36)}${index.toString(36)}]`;
}

/**
 * Builds the prompt body: an optional nonce, then filler words up to the estimated length. The word
 * sequence starts at a position derived from `variant` so prompts differ beyond the nonce too.
 */
export function buildPromptText(promptLengthTokens: number, nonce: string | undefined, variant = 0): string {
  const bodyTokens = Math.max(
    1,
    promptLengthTokens - ESTIMATED_TEMPLATE_OVERHEAD_TOKENS - (nonce === undefined ? 0 : NONCE_TOKENS),
  );
  const words: string[] = [];
  const offset = variant % FILLER_WORDS.length;
  for (let i = 0; i < bodyTokens; i += 1)
    words.push(FILLER_WORDS[(offset + i) % FILLER_WORDS.length] as string);
  const body = words.join(' ');
  return nonce === undefined ? body : `${nonce} ${body}`;
}

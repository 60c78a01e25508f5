/**
 * Per-request prompts for the stages whose requests differ or share text on purpose: `shared_prefix`
 * (every prompt opens with one of G prefixes of N tokens) and `trace` (each request its own lengths,
 * and its `hash_ids` blocks as shared prompt text).
 *
 * A prompt is a run of shared blocks, then the request's own part: the nonce (with unique_prompts)
 * and filler words. Block text is filler words drawn by a generator seeded with the block's identity
 * (the run, the stage, the group or hash id), so the same block is the same text in every request
 * that names it and two blocks differ from their first words. Every filler word is one token with
 * its leading space (./prompt.ts), so token counts add up: a prompt of `w` words measures T + w tokens,
 * T being the chat template's overhead, and a nonce costs a constant number more. Block boundaries are
 * counted in prompt tokens from the prompt's start, template included: block k ends at token
 * (k + 1) × block size, so block 0 holds block size − T words. Calibration (./calibrate.ts,
 * `calibrateWorkload`) measures T and the nonce's cost with a few probes and checks the longest prompt.
 *
 * The nonce comes AFTER the shared blocks: before them it would break the sharing.
 */
import type { StageConfig } from '../config/types.js';
import type { Trace } from '../config/trace.js';
import { FILLER_WORDS, promptBody } from './prompt.js';

/** Token offsets of one model's prompts, measured (calibration) or estimated. */
export interface PromptOffsets {
  /** Tokens of the chat template around a prompt of filler words. */
  templateTokens: number;
  /** Extra tokens of a nonce that opens the prompt (and its separating space). */
  nonceAtStartTokens: number;
  /** Extra tokens of a nonce that follows words (and its spaces). */
  nonceAfterWordsTokens: number;
}

/** One shared block of a request's prompt: its identity and the prompt token where it ends. */
export interface SharedBlock {
  /** Identity of the block's text (a group or hash id, with its chain). */
  seed: string;
  /** Prompt tokens (template included) from the prompt's start to this block's end. */
  endToken: number;
}

/** What a stage's requests ask for, index by index. */
export interface StageWorkload {
  source: 'trace' | 'shared_prefix';
  count: number;
  inputTokens(index: number): number;
  outputTokens(index: number): number;
  /** The shared leading blocks of the request's prompt, in order (empty: nothing shared on purpose). */
  sharedBlocks(index: number): SharedBlock[];
}

/** The workload of a stage with `shared_prefix` or `trace`; undefined for a plain stage. */
export function stageWorkload(stage: StageConfig, trace: Trace | undefined): StageWorkload | undefined {
  if (stage.trace !== undefined) {
    if (!trace) throw new Error(`stage ${stage.name}: its trace was not loaded`);
    const requests = trace.requests;
    const blockTokens = stage.trace_block_tokens ?? 512;
    return {
      source: 'trace',
      count: Math.min(stage.iterations, requests.length),
      inputTokens: (index) => requests[index]?.input_length ?? 0,
      outputTokens: (index) => requests[index]?.output_length ?? 0,
      sharedBlocks: (index) => {
        const request = requests[index];
        if (!request) return [];
        const blocks: SharedBlock[] = [];
        // Blocks are identified by their chain (every id up to them), as a prefix cache sees them; the
        // last one, cut short by input_length, also by where it ends.
        let chain = '';
        for (let k = 0; k < request.hash_ids.length; k += 1) {
          const start = k * blockTokens;
          if (start >= request.input_length) break;
          const end = Math.min(request.input_length, start + blockTokens);
          chain += `${chain === '' ? '' : '/'}${request.hash_ids[k]}`;
          blocks.push({ seed: end - start < blockTokens ? `${chain}:${end - start}` : chain, endToken: end });
        }
        return blocks;
      },
    };
  }
  const prefix = stage.shared_prefix;
  if (prefix === undefined) return undefined;
  return {
    source: 'shared_prefix',
    count: stage.iterations,
    inputTokens: () => stage.prompt_length,
    outputTokens: () => stage.generation_length,
    sharedBlocks: (index) => [{ seed: `group ${index % prefix.groups}`, endToken: prefix.tokens }],
  };
}

/** FNV-1a of a string, 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/** `count` filler words drawn by a generator seeded with `seed` (mulberry32): the same seed, the same text. */
export function seededWords(seed: string, count: number): string {
  let state = fnv1a(seed);
  const words = new Array<string>(Math.max(0, count));
  for (let index = 0; index < count; index += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    words[index] = FILLER_WORDS[((t ^ (t >>> 14)) >>> 0) % FILLER_WORDS.length] as string;
  }
  return words.join(' ');
}

/**
 * Drawn block texts, so that composing a request (at its send time, on the dispatch path) does not draw
 * the same block again: measured 0.8 ms for a 16,000-token prompt of 32 blocks drawn afresh.
 */
export class BlockTextCache {
  private readonly texts = new Map<string, string>();

  constructor(private readonly maxEntries = 4096) {}

  get(key: string, draw: () => string): string {
    let text = this.texts.get(key);
    if (text === undefined) {
      text = draw();
      // Full: start over (a trace's sharing is mostly between requests close in time).
      if (this.texts.size >= this.maxEntries) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }
}

function blockText(seed: string, words: number, cache: BlockTextCache | undefined): string {
  return cache
    ? cache.get(`${words}\u0000${seed}`, () => seededWords(seed, words))
    : seededWords(seed, words);
}

/** How one prompt was laid out: its text and the tokens it should measure with these offsets. */
export interface ComposedPrompt {
  text: string;
  /** Prompt tokens expected from the offsets (differs from the target when the target is unreachable). */
  expectedTokens: number;
}

/**
 * The prompt of request `index`: its shared blocks (seeded by `scope` and each block's identity), then
 * the nonce (when given) and filler words up to the request's input length.
 */
export function composeWorkloadPrompt(
  workload: StageWorkload,
  index: number,
  offsets: PromptOffsets,
  scope: string,
  nonce: string | undefined,
  /** Block texts already drawn (by seed and length): a block shared by many requests is drawn once. */
  cache?: BlockTextCache,
): ComposedPrompt {
  const target = workload.inputTokens(index);
  const template = offsets.templateTokens;
  const parts: string[] = [];
  let tokens = template;
  let previousEnd = 0;
  for (const block of workload.sharedBlocks(index)) {
    // Words of the block: the tokens it spans, less the template's where the template overlaps it.
    const words = Math.max(0, block.endToken - template) - Math.max(0, previousEnd - template);
    if (words > 0) parts.push(blockText(`${scope}\u0000${block.seed}`, words, cache));
    tokens += words;
    previousEnd = block.endToken;
  }
  const hasWords = parts.length > 0;
  let remaining = target - tokens;
  const nonceCost = hasWords ? offsets.nonceAfterWordsTokens : offsets.nonceAtStartTokens;
  // A nonce that would not fit makes the prompt too long: then the request's own tokens are words only.
  if (nonce !== undefined && remaining >= nonceCost) {
    parts.push(nonce);
    tokens += nonceCost;
    remaining -= nonceCost;
  }
  if (remaining > 0) {
    parts.push(promptBody({ words: remaining, period: false }));
    tokens += remaining;
  }
  return { text: parts.join(' '), expectedTokens: tokens };
}

/** The prefix-cache hit rate a workload should see, from its own sharing. */
export interface ExpectedCache {
  /** Σ tokens a prefix cache could serve over the measured requests. */
  cached_tokens: number;
  /** Σ prompt tokens of the measured requests. */
  prompt_tokens: number;
  /** cached_tokens ÷ prompt_tokens. */
  hit_rate: number;
  /** Measured requests expected to hit the cache at all. */
  hit_requests: number;
  /** Measured requests. */
  requests: number;
  /** hit_requests ÷ requests. */
  request_hit_share: number;
}

/**
 * What an unbounded prefix cache, filled by each request before the next one arrives, would serve:
 * request by request, the tokens of its leading shared blocks already seen in an earlier request (a
 * block counts only when every block before it hit too), at most its prompt tokens − 1 (the last
 * token is always computed). Without nonces (unique_prompts off), a request identical to an earlier
 * one (same blocks, same length) is served whole. Warm-up requests fill the cache but are not counted.
 */
export function expectedCache(
  workload: StageWorkload,
  uniquePrompts: boolean,
  warmupRequests: number,
): ExpectedCache {
  const served = expectedCachedTokens(workload, uniquePrompts);
  let cached = 0;
  let prompt = 0;
  let hits = 0;
  let requests = 0;
  for (let index = warmupRequests; index < workload.count; index += 1) {
    requests += 1;
    prompt += workload.inputTokens(index);
    cached += served[index] as number;
    if ((served[index] as number) > 0) hits += 1;
  }
  return {
    cached_tokens: cached,
    prompt_tokens: prompt,
    hit_rate: prompt > 0 ? cached / prompt : 0,
    hit_requests: hits,
    requests,
    request_hit_share: requests > 0 ? hits / requests : 0,
  };
}

/** Tokens each request of the workload should find in the prefix cache (see {@link expectedCache}). */
export function expectedCachedTokens(workload: StageWorkload, uniquePrompts: boolean): number[] {
  const seen = new Set<string>();
  const prompts = new Set<string>();
  const served: number[] = [];
  for (let index = 0; index < workload.count; index += 1) {
    const input = workload.inputTokens(index);
    const blocks = workload.sharedBlocks(index);
    let tokens = 0;
    let matching = true;
    for (const block of blocks) {
      if (matching && seen.has(block.seed)) tokens = Math.min(block.endToken, input);
      else matching = false;
      seen.add(block.seed);
    }
    if (!uniquePrompts) {
      const key = `${blocks.map((block) => block.seed).join('|')}#${input}`;
      if (prompts.has(key)) tokens = input;
      prompts.add(key);
    }
    served.push(Math.min(tokens, Math.max(0, input - 1)));
  }
  return served;
}

/**
 * Prompt calibration: before a stage, a few short probe requests (`max_tokens: 1`, not streamed) ask the
 * server itself how many prompt tokens a candidate text makes — chat template, BOS and nonce included —
 * and a search over the prompt's shape (./prompt.ts) finds the text whose `usage.prompt_tokens` equals
 * the stage's `prompt_length`. Results are cached per model, length and nonce use, so later stages of
 * the same length probe nothing. Probes are not stage requests: they are left out of every statistic,
 * and their count is reported with the stage.
 *
 * The search: T(words) — prompt tokens for a body of `words` filler words — rises by about one per word.
 * 1. Probe the estimate. 2. Step by the remaining difference, divided by the slope measured so far
 *    (1 until two points exist). 3. Once the target is bracketed, interpolate inside the bracket.
 * 4. If adjacent word counts jump over the target (a word worth two tokens), try the lower one with a
 *    final `.`. 5. With a nonce, one more probe with another nonce checks that the count does not
 *    depend on the nonce's digits. Real tokenizers converge in 2–3 probes; the cap is 12.
 * A server that reports no `prompt_tokens` ends the search at once: the stage uses the estimate and is
 * flagged `estimate` (approximate).
 */
import { httpRequest, type StreamDispatcher } from '../stream/index.js';
import type { Count } from '../metrics/stats.js';
import {
  composePrompt,
  ESTIMATED_NONCE_TOKENS,
  ESTIMATED_TEMPLATE_OVERHEAD_TOKENS,
  estimatePromptShape,
  promptBody,
  promptNonce,
  type PromptShape,
} from './prompt.js';
import { composeWorkloadPrompt, seededWords, type PromptOffsets, type StageWorkload } from './workload.js';

/** What one probe learned: the server's prompt token count, when it reported one. */
export interface ProbeOutcome {
  promptTokens: number | undefined;
}

/** Sends one probe with this user message content. Rejects when the probe itself failed. */
export type PromptProbe = (content: string) => Promise<ProbeOutcome>;

/**
 * How exact a stage's prompts are. `exact`: probes measured the requested length, with every nonce
 * tried. `approximate`: the closest length found differs, or nonces changed the count.
 * `estimate`: the server reported no prompt tokens (or probing failed); the prompt is the uncalibrated
 * estimate. `off`: calibration disabled in the config (also an estimate).
 */
export type CalibrationStatus = 'exact' | 'approximate' | 'estimate' | 'off';

/** The calibration of one model at one length. */
export interface PromptCalibration {
  /** The model calibrated. */
  model: string;
  /**
   * The prompt length asked for (the stage’s prompt_length).
   * @asType integer
   * @minimum 0
   */
  requested_tokens: number;
  /** Prompt tokens the chosen text measured in its probe; null when nothing was measured. */
  measured_tokens: Count | null;
  /**
   * exact: probes measured the requested length, with every nonce tried. approximate: the closest length
   * found differs, or nonces changed the count. estimate: the server reported no prompt tokens (or probing
   * failed). off: calibration disabled in the config.
   */
  status: CalibrationStatus;
  /** What varies in a prompt body. */
  shape: PromptShape;
  /**
   * Probe requests this calibration sent (0 when it came from the cache).
   * @asType integer
   * @minimum 0
   */
  probes: number;
  /** Whether two different nonces gave the same count; null without nonces or measurements. */
  nonce_stable: boolean | null;
  /** Why the result is not exact, in words. */
  note?: string;
}

/** Highest number of probes one calibration may send. */
export const MAX_PROBES = 12;

/** Inputs of one calibration. */
export interface CalibrationRequest {
  model: string;
  promptLengthTokens: number;
  /** Prompts open with a nonce (unique_prompts); calibration probes with nonces too. */
  withNonce: boolean;
  /** Gives the k-th probe's nonce; never one a stage request will use. */
  probeNonce(probeIndex: number): string;
  probe: PromptProbe;
}

interface Point {
  words: number;
  tokens: number;
}

/** The probes of one calibration: sends them, each with its nonce, and counts them for the result. */
class CalibrationProbes {
  /** Probes sent so far. */
  sent = 0;

  constructor(private readonly input: CalibrationRequest) {}

  /** Prompt tokens of a body of this shape (undefined: the server reported none); rejects on failure. */
  async measure(shape: PromptShape): Promise<number | undefined> {
    const nonce = this.input.withNonce ? this.input.probeNonce(this.sent) : undefined;
    this.sent += 1;
    return (await this.input.probe(composePrompt(nonce, promptBody(shape)))).promptTokens;
  }

  /** The calibration with the probes sent until now. */
  result(
    status: CalibrationStatus,
    shape: PromptShape,
    measured: number | null,
    nonceStable: boolean | null,
    note?: string,
  ): PromptCalibration {
    return {
      model: this.input.model,
      requested_tokens: this.input.promptLengthTokens,
      measured_tokens: measured,
      status,
      shape,
      probes: this.sent,
      nonce_stable: nonceStable,
      ...(note === undefined ? {} : { note }),
    };
  }
}

/** What the search over word counts measured: every count, the bracket around the target, the exact hit. */
interface WordSearch {
  /** Words → measured prompt tokens. */
  measured: Map<number, number>;
  /** Most words with tokens < target. */
  below?: Point;
  /** Fewest words with tokens > target. */
  above?: Point;
  found?: Point;
}

/**
 * Steps 1–3 of the search (module comment), from `words`, until the target is hit, bracketed by adjacent
 * counts, out of reach or out of probes. Undefined when the server reported no prompt tokens.
 */
async function searchWordCount(
  probes: CalibrationProbes,
  target: number,
  words: number,
): Promise<WordSearch | undefined> {
  const search: WordSearch = { measured: new Map<number, number>() };
  while (probes.sent < MAX_PROBES) {
    const tokens = await probes.measure({ words, period: false });
    if (tokens === undefined) return undefined;
    search.measured.set(words, tokens);
    if (tokens === target) {
      search.found = { words, tokens };
      break;
    }
    const { below, above } = search;
    if (tokens < target && (!below || words > below.words)) search.below = { words, tokens };
    if (tokens > target && (!above || words < above.words)) search.above = { words, tokens };
    if (search.above && search.above.words === 0) break; // even an empty body is too long
    if (search.below && search.above && search.above.words - search.below.words <= 1) break; // adjacent: the target is skipped
    words = nextGuess(search.below, search.above, { words, tokens }, target);
    if (search.measured.has(words)) break;
  }
  return search;
}

/** The closest measured length; ties go to the shorter prompt. */
function closestMeasured(measured: ReadonlyMap<number, number>, target: number): Point | undefined {
  let best: Point | undefined;
  for (const [candidateWords, tokens] of measured) {
    const distance = Math.abs(tokens - target);
    if (
      !best ||
      distance < Math.abs(best.tokens - target) ||
      (distance === Math.abs(best.tokens - target) && tokens < best.tokens)
    )
      best = { words: candidateWords, tokens };
  }
  return best;
}

/** Step 5: with nonces, one more probe with another nonce must give the same count. */
async function verifyNonce(
  probes: CalibrationProbes,
  withNonce: boolean,
  shape: PromptShape,
  tokens: number,
): Promise<PromptCalibration> {
  if (!withNonce) return probes.result('exact', shape, tokens, null);
  const again = await probes.measure(shape);
  if (again === tokens) return probes.result('exact', shape, tokens, true);
  return probes.result(
    'approximate',
    shape,
    tokens,
    false,
    `the prompt token count changed with the nonce (${tokens} then ${again ?? 'not reported'})`,
  );
}

/** Why a prompt failed to calibrate, for the note of an `estimate`. */
function probeFailureNote(error: unknown, what: string): string {
  return `calibration probe failed (${error instanceof Error ? error.message : String(error)}); ${what}`;
}

/**
 * Finds the prompt shape whose measured prompt tokens equal the requested length (see the module
 * comment for the search). Never throws: a failing probe ends in status `estimate` with its message.
 */
export async function calibratePrompt(input: CalibrationRequest): Promise<PromptCalibration> {
  const target = input.promptLengthTokens;
  const estimate = estimatePromptShape(target, input.withNonce);
  const probes = new CalibrationProbes(input);
  try {
    const search = await searchWordCount(probes, target, estimate.words);
    if (search === undefined)
      return probes.result(
        'estimate',
        estimate,
        null,
        null,
        'the server reported no usage.prompt_tokens; the prompt length is an estimate',
      );
    const { measured, below, above, found } = search;
    if (!found && below && above && above.words - below.words <= 1 && probes.sent < MAX_PROBES) {
      // Step 4. One word too few, one word too many: a final period is one token on every common tokenizer.
      const withPeriod = await probes.measure({ words: below.words, period: true });
      if (withPeriod === target) {
        return await verifyNonce(probes, input.withNonce, { words: below.words, period: true }, target);
      }
    }
    // Awaited inside the try: a failing nonce probe ends in `estimate`, like every other failing probe.
    if (found)
      return await verifyNonce(probes, input.withNonce, { words: found.words, period: false }, target);
    const best = closestMeasured(measured, target);
    if (!best) return probes.result('estimate', estimate, null, null, 'calibration sent no probe');
    const floor = above && above.words === 0 ? above.tokens : undefined;
    const note =
      floor !== undefined
        ? `the shortest possible prompt already has ${floor} tokens (chat template${input.withNonce ? ' and nonce' : ''}); ${target} cannot be reached`
        : `no prompt text measured exactly ${target} tokens; the closest has ${best.tokens}`;
    return probes.result('approximate', { words: best.words, period: false }, best.tokens, null, note);
  } catch (error) {
    return probes.result(
      'estimate',
      estimate,
      null,
      null,
      probeFailureNote(error, 'the prompt length is an estimate'),
    );
  }
}

/** The next word count to try: interpolate inside a bracket, else step by the measured slope. */
function nextGuess(below: Point | undefined, above: Point | undefined, last: Point, target: number): number {
  if (below && above) {
    const slope = (above.tokens - below.tokens) / (above.words - below.words);
    const guess = below.words + Math.round((target - below.tokens) / slope);
    return Math.min(above.words - 1, Math.max(below.words + 1, guess));
  }
  const anchor = below ?? above ?? last;
  // Slope from the two measured points when there are two, else one token per word.
  const other = below && anchor !== below ? below : above && anchor !== above ? above : undefined;
  const slope =
    other && other.words !== anchor.words
      ? Math.max(0.25, (other.tokens - anchor.tokens) / (other.words - anchor.words))
      : 1;
  const step = Math.round((target - anchor.tokens) / slope);
  const guess = anchor.words + (step === 0 ? Math.sign(target - anchor.tokens) : step);
  return Math.max(0, guess);
}

/** A calibration cache and the probe sender for one run. */
export class PromptCalibrator {
  private readonly cache = new Map<string, PromptCalibration>();
  /** Probes sent by this calibrator so far: each gets its own nonce. */
  private probesSent = 0;

  /**
   * @param probeFor sends probes for one model.
   * @param probeNonce the k-th probe nonce (a scope no stage uses, so probes never warm a request's prefix).
   */
  constructor(
    private readonly probeFor: (model: string) => PromptProbe,
    private readonly probeNonce: (probeIndex: number) => string,
  ) {}

  /** Prompt tokens of one probe of this content (undefined: the server reported none); rejects on failure. */
  async measure(model: string, content: string): Promise<number | undefined> {
    return (await this.probeFor(model)(content)).promptTokens;
  }

  /** A probe nonce no other probe or request uses. */
  nextNonce(): string {
    return this.probeNonce(this.probesSent++);
  }

  /** The calibration of a model and length: from the cache (0 probes) or measured now. */
  async calibrate(model: string, promptLengthTokens: number, withNonce: boolean): Promise<PromptCalibration> {
    const key = `${model}\u0000${promptLengthTokens}\u0000${withNonce ? 'nonce' : 'plain'}`;
    const cached = this.cache.get(key);
    if (cached) return { ...cached, probes: 0 };
    const calibration = await calibratePrompt({
      model,
      promptLengthTokens,
      withNonce,
      probeNonce: () => this.probeNonce(this.probesSent++),
      probe: this.probeFor(model),
    });
    // Failed probes are not cached: the next stage tries again.
    if (calibration.status !== 'estimate' || calibration.measured_tokens !== null)
      this.cache.set(key, calibration);
    return calibration;
  }
}

/** The uncalibrated prompt of a model and length (`calibrate_prompts: false`). */
export function uncalibratedPrompt(
  model: string,
  promptLengthTokens: number,
  withNonce: boolean,
): PromptCalibration {
  return {
    model,
    requested_tokens: promptLengthTokens,
    measured_tokens: null,
    status: 'off',
    shape: estimatePromptShape(promptLengthTokens, withNonce),
    probes: 0,
    nonce_stable: null,
  };
}

/** Where and how probes are sent: the load's own endpoint, not streamed, one output token. */
export interface HttpProbeOptions {
  dispatcher: StreamDispatcher;
  origin: string;
  /** The chat path of the load (`/v1/chat/completions` or EXO's `/bench/chat/completions`). */
  path: string;
  /** Headers of the load (content type, authorization). */
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * A probe over HTTP. Reads `usage.prompt_tokens`, or EXO's `generation_stats.prompt_tokens` (its bench
 * endpoint answers with `usage: null`). A non-2xx answer rejects with the status and an excerpt.
 */
export function httpPromptProbe(options: HttpProbeOptions, model: string): PromptProbe {
  return async (content) => {
    const response = await httpRequest(`${options.origin}${options.path}`, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: { ...options.headers, accept: 'application/json' },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content }],
        max_tokens: 1,
        stream: false,
      }),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      // EXO's bench endpoint answers a failed generation with 500 text/plain (exo-api.md §12.6).
      throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`);
    }
    if (text.trim() === '') {
      // EXO's chat endpoint answers a generation that failed after the headers with 200 and no body
      // (§12.6): that is a failed probe, not a server that reports no usage.
      throw new Error(`HTTP ${response.statusCode} with an empty body (the server's generation failed)`);
    }
    return { promptTokens: promptTokensOf(text) };
  };
}

/** `usage.prompt_tokens`, else `generation_stats.prompt_tokens`, of a non-streamed chat completion. */
export function promptTokensOf(body: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as {
    usage?: { prompt_tokens?: unknown };
    generation_stats?: { prompt_tokens?: unknown };
  };
  const fromUsage = record.usage?.prompt_tokens;
  if (typeof fromUsage === 'number' && Number.isFinite(fromUsage)) return fromUsage;
  const fromStats = record.generation_stats?.prompt_tokens;
  if (typeof fromStats === 'number' && Number.isFinite(fromStats)) return fromStats;
  return undefined;
}

/** The probe nonce scope of a run: distinct from every stage's, so probes share no prefix with requests. */
export function calibrationNonce(runId: string): (probeIndex: number) => string {
  return (probeIndex) => promptNonce(runId, '\u0000calibration', probeIndex);
}

/** The prompts of one stage: a calibrated body per model, and how they were obtained. */
export interface StagePrompts {
  /** Model → prompt body (the nonce, when used, goes before it). */
  bodies: Map<string, string>;
  calibration: StageCalibration;
  /** A trace or shared_prefix stage: each request's prompt is composed from these (./workload.ts). */
  workload?: WorkloadPrompts;
}

/** What composes the per-request prompts of a trace or shared_prefix stage. */
export interface WorkloadPrompts {
  workload: StageWorkload;
  /** Model → its measured (or estimated) token offsets. */
  offsets: Map<string, PromptOffsets>;
  /** Seeds the shared blocks' text: the run and the stage, so no other run or stage shares them. */
  scope: string;
}

/** Offsets before (or without) calibration: the same estimates as the plain prompts'. */
export const ESTIMATED_OFFSETS: PromptOffsets = {
  templateTokens: ESTIMATED_TEMPLATE_OVERHEAD_TOKENS,
  nonceAtStartTokens: ESTIMATED_NONCE_TOKENS,
  nonceAfterWordsTokens: ESTIMATED_NONCE_TOKENS,
};

/** Words of the first calibration probe of a workload, and how many more the second one has. */
const WORKLOAD_PROBE_WORDS = 16;
const WORKLOAD_SLOPE_WORDS = 32;

/**
 * Calibrates the prompts of a trace or shared_prefix stage without one probe per request: for each
 * model, two probes of filler words measure the chat template's tokens (and that a word is a token),
 * two more (with unique_prompts) a nonce's cost at the start and after words; the request lengths
 * follow from these by addition (./workload.ts). One last probe measures the longest request's prompt
 * as composed, with a fresh nonce: `exact` when it is the requested length. 5 probes per model at most.
 */
export async function prepareWorkloadPrompts(
  calibrator: PromptCalibrator | undefined,
  models: readonly string[],
  workload: StageWorkload,
  withNonce: boolean,
  scope: string,
): Promise<StagePrompts> {
  let longest = 0;
  for (let index = 1; index < workload.count; index += 1)
    if (workload.inputTokens(index) > workload.inputTokens(longest)) longest = index;
  const offsets = new Map<string, PromptOffsets>();
  const calibrations: PromptCalibration[] = [];
  for (const model of new Set(models)) {
    const { calibration, offsets: measured } = calibrator
      ? await calibrateWorkloadModel(calibrator, model, workload, longest, withNonce, scope)
      : {
          calibration: {
            model,
            requested_tokens: workload.inputTokens(longest),
            measured_tokens: null,
            status: 'off' as const,
            shape: {
              words: Math.max(0, workload.inputTokens(longest) - ESTIMATED_OFFSETS.templateTokens),
              period: false,
            },
            probes: 0,
            nonce_stable: null,
          },
          offsets: ESTIMATED_OFFSETS,
        };
    offsets.set(model, measured);
    calibrations.push(calibration);
  }
  let status: CalibrationStatus = calibrator ? 'exact' : 'off';
  for (const calibration of calibrations)
    if (STATUS_RANK[calibration.status] > STATUS_RANK[status]) status = calibration.status;
  return {
    bodies: new Map(),
    calibration: {
      status,
      probes: calibrations.reduce((sum, calibration) => sum + calibration.probes, 0),
      models: calibrations,
    },
    workload: { workload, offsets, scope },
  };
}

/** Filler words for a workload's probes, seeded apart from every stage's blocks: they warm no request's prefix. */
function probeText(words: number): string {
  return seededWords('\u0000calibration', words);
}

/** What the first probes of a workload measured: a short and a longer filler text, and the offsets that follow. */
interface WorkloadOffsetProbes {
  short: number;
  long: number | undefined;
  offsets: PromptOffsets;
}

/**
 * The chat template's tokens from a short filler text (and a longer one, whose difference checks that a
 * word is a token); with nonces, a nonce's cost at the start and after words. Undefined when the server
 * reported no prompt tokens.
 */
async function measureWorkloadOffsets(
  calibrator: PromptCalibrator,
  measure: (content: string) => Promise<number | undefined>,
  withNonce: boolean,
): Promise<WorkloadOffsetProbes | undefined> {
  const short = await measure(probeText(WORKLOAD_PROBE_WORDS));
  if (short === undefined) return undefined;
  const long = await measure(probeText(WORKLOAD_PROBE_WORDS + WORKLOAD_SLOPE_WORDS));
  const templateTokens = short - WORKLOAD_PROBE_WORDS;
  let nonceAtStartTokens = ESTIMATED_OFFSETS.nonceAtStartTokens;
  let nonceAfterWordsTokens = ESTIMATED_OFFSETS.nonceAfterWordsTokens;
  if (withNonce) {
    const atStart = await measure(`${calibrator.nextNonce()} ${probeText(WORKLOAD_PROBE_WORDS)}`);
    const afterWords = await measure(
      `${probeText(WORKLOAD_PROBE_WORDS)} ${calibrator.nextNonce()} ${promptBody({ words: WORKLOAD_PROBE_WORDS, period: false })}`,
    );
    if (atStart !== undefined) nonceAtStartTokens = atStart - short;
    if (afterWords !== undefined) nonceAfterWordsTokens = afterWords - short - WORKLOAD_PROBE_WORDS;
  }
  return { short, long, offsets: { templateTokens, nonceAtStartTokens, nonceAfterWordsTokens } };
}

/** A model's calibration of a workload, and the offsets its requests' prompts are composed with. */
interface WorkloadCalibration {
  calibration: PromptCalibration;
  offsets: PromptOffsets;
}

/** How a workload calibration ended: status, offsets, the tokens measured, nonce stability, why. */
type WorkloadOutcome = [
  status: CalibrationStatus,
  offsets: PromptOffsets,
  measured: number | null,
  nonceStable: boolean | null,
  note: string,
];

/** The calibration of a workload as results.json reports it: the shape is the longest request's words. */
function workloadCalibration(
  model: string,
  requested: number,
  probes: number,
  ...[status, offsets, measured, nonceStable, note]: WorkloadOutcome
): WorkloadCalibration {
  return {
    calibration: {
      model,
      requested_tokens: requested,
      measured_tokens: measured,
      status,
      shape: { words: Math.max(0, requested - offsets.templateTokens), period: false },
      probes,
      nonce_stable: nonceStable,
      note,
    },
    offsets,
  };
}

/** One model's calibration of a workload (prepareWorkloadPrompts): its offsets, and how exact they are. */
async function calibrateWorkloadModel(
  calibrator: PromptCalibrator,
  model: string,
  workload: StageWorkload,
  longest: number,
  withNonce: boolean,
  scope: string,
): Promise<WorkloadCalibration> {
  const requested = workload.inputTokens(longest);
  let probes = 0;
  const measure = async (content: string): Promise<number | undefined> => {
    probes += 1;
    return calibrator.measure(model, content);
  };
  const result = (...outcome: WorkloadOutcome): WorkloadCalibration =>
    workloadCalibration(model, requested, probes, ...outcome);
  try {
    const first = await measureWorkloadOffsets(calibrator, measure, withNonce);
    if (first === undefined)
      return result(
        'estimate',
        ESTIMATED_OFFSETS,
        null,
        null,
        'the server reported no usage.prompt_tokens; the prompt lengths are estimates',
      );
    const { short, long, offsets } = first;
    const described = `chat template ${offsets.templateTokens} tokens${withNonce ? `, nonce ${offsets.nonceAtStartTokens} at the start and ${offsets.nonceAfterWordsTokens} after words` : ''}`;
    if (long !== short + WORKLOAD_SLOPE_WORDS)
      return result(
        'approximate',
        offsets,
        long ?? null,
        null,
        `${WORKLOAD_SLOPE_WORDS} more filler words measured ${long === undefined ? 'nothing' : long - short} more tokens, not ${WORKLOAD_SLOPE_WORDS}: the lengths composed from the offsets (${described}) are approximate`,
      );
    // The longest prompt's layout with blocks of its own (another scope: the same lengths, other words),
    // so the check leaves nothing in the server's prefix cache that a request of the stage could hit.
    const composed = composeWorkloadPrompt(
      workload,
      longest,
      offsets,
      `${scope}\u0000calibration`,
      withNonce ? calibrator.nextNonce() : undefined,
    );
    const check = await measure(composed.text);
    const exact = check === requested && composed.expectedTokens === requested;
    return result(
      exact ? 'exact' : 'approximate',
      offsets,
      check ?? null,
      withNonce ? check === composed.expectedTokens : null,
      exact
        ? `per-request lengths composed from the measured offsets (${described}); the longest prompt measured exactly`
        : `the longest prompt (request ${longest}) measured ${check ?? 'nothing'} tokens for ${requested} requested, with offsets ${described}`,
    );
  } catch (error) {
    return result(
      'estimate',
      ESTIMATED_OFFSETS,
      null,
      null,
      probeFailureNote(error, 'the prompt lengths are estimates'),
    );
  }
}

/** A stage's calibration as results.json reports it. */
export interface StageCalibration {
  /** The least exact status among the stage's models (exact < approximate < estimate; off when disabled). */
  status: CalibrationStatus;
  /**
   * 0 when every length came from the cache.
   * @asType integer
   * @minimum 0
   */
  probes: number;
  /** One entry per model the stage requests. */
  models: PromptCalibration[];
}

const STATUS_RANK: Record<CalibrationStatus, number> = { exact: 0, approximate: 1, estimate: 2, off: 3 };

/**
 * Calibrates (or estimates, without a calibrator) the prompt of every model of a stage. One model at a
 * time: probes are few and short, and running them one by one keeps them off each other's timing.
 */
export async function prepareStagePrompts(
  calibrator: PromptCalibrator | undefined,
  models: readonly string[],
  promptLengthTokens: number,
  withNonce: boolean,
): Promise<StagePrompts> {
  const bodies = new Map<string, string>();
  const calibrations: PromptCalibration[] = [];
  for (const model of new Set(models)) {
    const calibration = calibrator
      ? await calibrator.calibrate(model, promptLengthTokens, withNonce)
      : uncalibratedPrompt(model, promptLengthTokens, withNonce);
    calibrations.push(calibration);
    bodies.set(model, promptBody(calibration.shape));
  }
  let status: CalibrationStatus = calibrator ? 'exact' : 'off';
  for (const calibration of calibrations)
    if (STATUS_RANK[calibration.status] > STATUS_RANK[status]) status = calibration.status;
  return {
    bodies,
    calibration: {
      status,
      probes: calibrations.reduce((sum, calibration) => sum + calibration.probes, 0),
      models: calibrations,
    },
  };
}

/** One log line about a model's calibration; `warn` when the prompt length is not exact. */
export function describeCalibration(calibration: PromptCalibration): { text: string; warn: boolean } {
  const what = `prompt of ${calibration.requested_tokens} tokens for ${calibration.model}`;
  const probes = `${calibration.probes === 0 ? 'cached' : `${calibration.probes} probe${calibration.probes === 1 ? '' : 's'}`}`;
  switch (calibration.status) {
    case 'exact':
      return {
        text: `${what}: calibrated exactly (${probes}, ${calibration.shape.words} filler words)`,
        warn: false,
      };
    case 'off':
      return { text: `${what}: estimated (calibrate_prompts is off)`, warn: false };
    default:
      return {
        text: `${what}: ${calibration.status} (${probes}${calibration.measured_tokens === null ? '' : `, measured ${calibration.measured_tokens}`}) — ${calibration.note ?? ''}`,
        warn: true,
      };
  }
}

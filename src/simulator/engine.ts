/**
 * The generation engine of one instance: a batch of at most `maxConcurrentRequests` sequences, a FIFO
 * queue behind it, and ONE timer that drives everything (prefill completions, prefill progress, decode
 * steps). Each decode step emits one token to every decoding sequence, like a batched MLX step, so the
 * cost per token is a string concatenation and a socket write; there are no per-request timers.
 */
import type { RequestOutcome, GroundTruthRecord } from './ground-truth.js';
import type { BodyFault } from './types.js';
import type { PromptFingerprint } from './tokenizer.js';
import { PREFIX_BLOCK_TOKENS } from './tokenizer.js';
import { nowMs } from './random.js';

/** Where a sequence's output goes (one per HTTP response flavour). Implementations never throw. */
export interface SequenceSink {
  prefillProgress(seq: Sequence, processedTokens: number, totalTokens: number): void;
  /** Token `index` (0-based) was generated. */
  token(seq: Sequence, index: number): void;
  /** Generation ended normally (`length` or `stop`). */
  finish(seq: Sequence): void;
  /** An engine error inside a started response (error chunk). */
  errorChunk(seq: Sequence, message: string): void;
  /** The response ends without `[DONE]` (deleted instance, cancel, injected EOF). */
  abort(seq: Sequence, outcome: RequestOutcome): void;
}

/** One request being generated. Mutable on purpose: the hot path must not allocate. */
export class Sequence {
  state: 'waiting' | 'queued' | 'prefill' | 'decode' | 'done' = 'waiting';
  /** Tokens the request will emit before finishing (≤ max_tokens; smaller when EOS is sampled). */
  outputTokens: number;
  finishReason: 'length' | 'stop';
  cachedTokens = 0;
  prefixCacheHit: 'none' | 'partial' | 'exact' = 'none';
  tokensEmitted = 0;
  admittedAtMs = 0;
  firstTokenDueAtMs = 0;
  prefillMs = 0;
  promptTokensPerSecond = 0;
  nextProgressAtMs = Number.POSITIVE_INFINITY;
  progressProcessedTokens = 0;
  progressStepMs = 0;
  progressStepTokens = 0;
  /** No bytes at all until then (injected stall). */
  stallUntilMs = 0;
  stallDone = false;
  /** The engine tick in which this sequence emitted its first token (it sits out that tick's step). */
  startedAtTick = -1;
  /** Set by the cluster: the task entry (`TextGeneration` body) shown in `/state`. */
  task: Record<string, unknown> | null = null;
  instanceId: string | null = null;

  constructor(
    readonly commandId: string,
    readonly endpointPath: string,
    readonly bench: boolean,
    readonly stream: boolean,
    readonly model: string,
    readonly maxTokens: number,
    readonly fingerprint: PromptFingerprint,
    readonly usePrefixCache: boolean,
    readonly tokenSeed: number,
    readonly record: GroundTruthRecord,
    readonly sink: SequenceSink,
    readonly fault: BodyFault | null,
    outputTokens: number,
  ) {
    this.outputTokens = outputTokens;
    this.finishReason = outputTokens < maxTokens ? 'stop' : 'length';
  }

  get promptTokens(): number {
    return this.fingerprint.tokenCount;
  }
}

/** Timing parameters of one instance's engine. */
export interface EngineTiming {
  prefillTokensPerSecond: number;
  prefillOverheadMs: number;
  decodeTokensPerSecond: number;
  decodeSlowdownPerExtraStream: number;
  /** Extra ms per decode step for the pipeline hops of a multi-node instance. */
  extraStepMs: number;
  maxConcurrentRequests: number;
  prefillProgressChunkTokens: number;
}

/** Notifications to the cluster (task statuses, runner Running/Ready). */
export interface EngineHooks {
  /** A sequence joined the batch; `wokeIdleRunner` when the batch was empty (its task becomes Running). */
  admitted(seq: Sequence, wokeIdleRunner: boolean): void;
  /** A sequence left the batch (finished, failed, aborted). */
  left(seq: Sequence): void;
  /** The batch became empty. */
  idle(): void;
}

/** An LRU-ish set of prompt prefix blocks seen by one instance's KV cache. */
export class PrefixCache {
  private readonly blocks = new Map<number, true>();
  /** Full-prompt hash → the prompt_tps of the prefill that stored it (reported again on exact hits). */
  private readonly full = new Map<number, number>();

  /**
   * @param minCachedTokens partial hits shorter than this count as misses: every prompt shares the
   *   chat template's preamble, and a benchmark with unique prompts must not see hits from it.
   */
  constructor(
    private readonly maxBlocks: number,
    private readonly minCachedTokens = 0,
  ) {}

  lookup(fp: PromptFingerprint): {
    cachedTokens: number;
    hit: 'none' | 'partial' | 'exact';
    storedTps: number;
  } {
    const storedTps = this.full.get(fp.fullHash);
    if (storedTps !== undefined && fp.tokenCount > 0) {
      return { cachedTokens: Math.max(0, fp.tokenCount - 1), hit: 'exact', storedTps };
    }
    let blocks = 0;
    while (blocks < fp.blockHashes.length && this.blocks.has(fp.blockHashes[blocks] as number)) blocks++;
    // The last prompt token is always recomputed (its logits start generation).
    const cachedTokens = Math.min(blocks * PREFIX_BLOCK_TOKENS, Math.max(0, fp.tokenCount - 1));
    if (cachedTokens <= this.minCachedTokens) return { cachedTokens: 0, hit: 'none', storedTps: 0 };
    return { cachedTokens, hit: 'partial', storedTps: 0 };
  }

  store(fp: PromptFingerprint, promptTps: number): void {
    for (const h of fp.blockHashes) this.blocks.set(h, true);
    this.full.set(fp.fullHash, promptTps);
    if (this.blocks.size > this.maxBlocks) {
      // Evict the oldest tenth (Map iterates in insertion order).
      let drop = Math.ceil(this.maxBlocks / 10);
      for (const key of this.blocks.keys()) {
        this.blocks.delete(key);
        if (--drop <= 0) break;
      }
      if (this.full.size > this.maxBlocks) this.full.clear();
    }
  }
}

/** The batch scheduler of one instance. */
export class InstanceEngine {
  /** Runners are all Ready/Running: sequences may be admitted. */
  private isReady = false;
  private readonly queue: Sequence[] = [];
  readonly active: Sequence[] = [];
  private decodingCount = 0;
  /**
   * The sequences of `active` in prefill, in admission order. Prefill events (first tokens, progress)
   * are found here, not by a pass over the whole batch: at 1,000 requests/s into a batch of 5,000,
   * every admission and every first token would otherwise visit all 5,000.
   */
  private readonly prefilling: Sequence[] = [];
  /** Sequences of `active` finished in a tick and not yet compacted out. */
  private doneCount = 0;
  private tick = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private nextStepAtMs = 0;
  private readonly onTimerBound = (): void => this.onTimer();

  constructor(
    private readonly timing: EngineTiming,
    private readonly prefixCache: PrefixCache,
    private readonly hooks: EngineHooks,
  ) {}

  /** Sequences waiting for a batch slot. */
  get queuedCount(): number {
    return this.queue.length;
  }

  setReady(ready: boolean): void {
    this.isReady = ready;
    if (ready) this.pump();
  }

  /** Adds a sequence: it waits until the runners are ready and a batch slot is free. */
  enqueue(seq: Sequence): void {
    seq.state = 'queued';
    this.queue.push(seq);
    this.pump();
  }

  /** Takes a sequence out (client gone, cancel, instance deleted). Idempotent. */
  remove(seq: Sequence): void {
    if (seq.state === 'queued') {
      const i = this.queue.indexOf(seq);
      if (i >= 0) this.queue.splice(i, 1);
      seq.state = 'done';
      return;
    }
    const i = this.active.indexOf(seq);
    if (i < 0) return;
    if (seq.state === 'decode') this.decodingCount--;
    else if (seq.state === 'prefill') {
      const j = this.prefilling.indexOf(seq);
      if (j >= 0) this.prefilling.splice(j, 1);
    } else if (seq.state === 'done') this.doneCount--;
    seq.state = 'done';
    this.active.splice(i, 1);
    this.hooks.left(seq);
    if (this.active.length === 0) this.hooks.idle();
    this.pump();
  }

  /** Every sequence, queued or active (for deletion). */
  all(): Sequence[] {
    return [...this.active, ...this.queue];
  }

  /** Stops the timer (instance deleted). */
  stop(): void {
    this.isReady = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
  }

  private stepMs(): number {
    const t = this.timing;
    const batch = Math.max(1, this.decodingCount);
    const perStreamRate = t.decodeTokensPerSecond / (1 + t.decodeSlowdownPerExtraStream * (batch - 1));
    return 1000 / perStreamRate + t.extraStepMs;
  }

  private pump(): void {
    if (!this.isReady) return;
    const now = nowMs();
    while (this.active.length < this.timing.maxConcurrentRequests && this.queue.length > 0) {
      this.admit(this.queue.shift() as Sequence, now);
    }
    this.schedule(now);
  }

  private admit(seq: Sequence, now: number): void {
    const t = this.timing;
    const wokeIdleRunner = this.active.length === 0;
    let storedTps = 0;
    if (seq.usePrefixCache) {
      const hit = this.prefixCache.lookup(seq.fingerprint);
      seq.cachedTokens = hit.cachedTokens;
      seq.prefixCacheHit = hit.hit;
      storedTps = hit.storedTps;
    }
    const uncached = seq.promptTokens - seq.cachedTokens;
    const computeMs = (uncached / t.prefillTokensPerSecond) * 1000;
    seq.prefillMs = t.prefillOverheadMs + computeMs;
    seq.promptTokensPerSecond = storedTps || (seq.prefillMs > 0 ? uncached / (seq.prefillMs / 1000) : 0);
    seq.admittedAtMs = now;
    seq.firstTokenDueAtMs = now + seq.prefillMs;
    seq.state = 'prefill';
    this.prefilling.push(seq);
    const chunk = t.prefillProgressChunkTokens;
    if (chunk > 0 && uncached > chunk) {
      seq.progressStepTokens = chunk;
      seq.progressStepMs = (chunk / t.prefillTokensPerSecond) * 1000;
      seq.progressProcessedTokens = seq.cachedTokens;
      seq.nextProgressAtMs = now + t.prefillOverheadMs + seq.progressStepMs;
    }
    this.active.push(seq);
    this.hooks.admitted(seq, wokeIdleRunner);
  }

  private schedule(now: number): void {
    let at = Number.POSITIVE_INFINITY;
    for (const seq of this.prefilling) {
      if (seq.firstTokenDueAtMs < at) at = seq.firstTokenDueAtMs;
      if (seq.nextProgressAtMs < at) at = seq.nextProgressAtMs;
    }
    if (this.decodingCount > 0 && this.nextStepAtMs < at) at = this.nextStepAtMs;
    if (at === Number.POSITIVE_INFINITY) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.timerAtMs = at;
      return;
    }
    if (this.timer && this.timerAtMs <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAtMs = at;
    this.timer = setTimeout(this.onTimerBound, Math.max(0, at - now));
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const now = nowMs();
    const tick = ++this.tick;
    // Timers fire up to ~1 ms late or early; treat events due within a quarter ms as due.
    const horizon = now + 0.25;
    // A pass over the whole batch costs per sequence: prefill events come from `prefilling` and the
    // compaction runs only when some sequence finished, so a plain decode step is one pass.
    let stillPrefilling = 0;
    for (let i = 0; i < this.prefilling.length; i++) {
      const seq = this.prefilling[i] as Sequence;
      while (seq.nextProgressAtMs <= horizon) {
        seq.progressProcessedTokens += seq.progressStepTokens;
        if (seq.progressProcessedTokens >= seq.promptTokens) {
          seq.nextProgressAtMs = Number.POSITIVE_INFINITY;
          break;
        }
        seq.sink.prefillProgress(seq, seq.progressProcessedTokens, seq.promptTokens);
        seq.nextProgressAtMs += seq.progressStepMs;
      }
      if (seq.firstTokenDueAtMs <= horizon) {
        seq.nextProgressAtMs = Number.POSITIVE_INFINITY;
        if (seq.usePrefixCache) this.prefixCache.store(seq.fingerprint, seq.promptTokensPerSecond);
        if (this.decodingCount === 0) this.nextStepAtMs = now + this.stepMs();
        seq.state = 'decode';
        this.decodingCount++;
        seq.startedAtTick = tick;
        this.emit(seq, now);
      } else {
        this.prefilling[stillPrefilling++] = seq;
      }
    }
    this.prefilling.length = stillPrefilling;
    if (this.decodingCount > 0 && this.nextStepAtMs <= horizon) {
      for (const seq of this.active) {
        if (seq.state === 'decode' && seq.startedAtTick !== tick) this.emit(seq, now);
      }
      const step = this.stepMs();
      this.nextStepAtMs += step;
      if (this.nextStepAtMs < now) this.nextStepAtMs = now + step;
    }
    // Compact finished sequences out of the batch.
    const removed = this.doneCount > 0;
    if (removed) {
      let kept = 0;
      for (let i = 0; i < this.active.length; i++) {
        const seq = this.active[i] as Sequence;
        if (seq.state === 'done') this.hooks.left(seq);
        else this.active[kept++] = seq;
      }
      this.active.length = kept;
      this.doneCount = 0;
      if (kept === 0) this.hooks.idle();
    }
    if (removed) this.pump();
    else this.schedule(now);
  }

  /** Emits the next token of a decoding sequence, or applies its fault, or finishes it. */
  private emit(seq: Sequence, now: number): void {
    if (seq.stallUntilMs > now) return;
    const fault = seq.fault;
    if (fault && seq.tokensEmitted >= (('afterTokens' in fault ? fault.afterTokens : 0) ?? 0)) {
      if (fault.kind === 'stall' && !seq.stallDone) {
        seq.stallDone = true;
        seq.stallUntilMs = now + fault.stallMs;
        return;
      }
      if (fault.kind === 'error_chunk') {
        this.finishSeq(seq);
        seq.sink.errorChunk(seq, fault.message ?? 'Runner shutdown before completing command (exitcode=1)');
        return;
      }
      if (fault.kind === 'eof') {
        this.finishSeq(seq);
        seq.sink.abort(seq, 'eof');
        return;
      }
    }
    if (seq.tokensEmitted < seq.outputTokens) {
      seq.sink.token(seq, seq.tokensEmitted);
      seq.tokensEmitted++;
    }
    if (seq.tokensEmitted >= seq.outputTokens) {
      this.finishSeq(seq);
      // The final chunk follows on the next turn of the event loop, not in this call: building it and
      // ending the response take a few hundred µs, and done synchronously they held the last token
      // back (measured: it reached the client 0.7-2.8 ms after its ground-truth time, in one read with
      // the final chunk, against 0.2-0.5 ms for the first token). The sink ignores a closed response.
      setImmediate(() => seq.sink.finish(seq));
    }
  }

  /** Marks a sequence of the batch done; the tick's compaction takes it out. */
  private finishSeq(seq: Sequence): void {
    if (seq.state === 'decode') this.decodingCount--;
    if (seq.state !== 'done') this.doneCount++;
    seq.state = 'done';
  }
}

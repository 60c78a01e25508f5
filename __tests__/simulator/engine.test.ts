/**
 * The batch scheduler on its own, with real timers and a recording sink: prefill events come from the
 * prefilling list and decode steps from one pass, so these pin what that bookkeeping must keep exact.
 */
import { InstanceEngine, PrefixCache, Sequence } from '../../src/simulator/engine.js';
import type { EngineTiming, SequenceSink } from '../../src/simulator/engine.js';
import type { GroundTruthRecord } from '../../src/simulator/ground-truth.js';
import { nowMs } from '../../src/simulator/random.js';
import { fingerprintPrompt } from '../../src/simulator/tokenizer.js';

interface Emitted {
  token: number;
  atMs: number;
}

class RecordingSink implements SequenceSink {
  readonly tokens: Emitted[] = [];
  finished = 0;
  prefillProgress(): void {}
  token(_seq: Sequence, index: number): void {
    this.tokens.push({ token: index, atMs: nowMs() });
  }
  finish(): void {
    this.finished++;
  }
  errorChunk(): void {}
  abort(): void {}
}

const timing: EngineTiming = {
  prefillTokensPerSecond: 10_000,
  prefillOverheadMs: 2,
  decodeTokensPerSecond: 500,
  decodeSlowdownPerExtraStream: 0,
  extraStepMs: 0,
  maxConcurrentRequests: 3,
  prefillProgressChunkTokens: 0,
};

function sequence(id: string, words: number, outputTokens: number): { seq: Sequence; sink: RecordingSink } {
  const sink = new RecordingSink();
  const fingerprint = fingerprintPrompt([{ role: 'user', content: 'word '.repeat(words) }]);
  const record = { first_token_at_ms: null, last_token_at_ms: null } as unknown as GroundTruthRecord;
  const seq = new Sequence(
    id,
    '/bench/chat/completions',
    true,
    true,
    'm',
    outputTokens,
    fingerprint,
    false,
    0,
    record,
    sink,
    null,
    outputTokens,
  );
  return { seq, sink };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(2);
  }
}

describe('InstanceEngine', () => {
  it('admits up to the batch size, emits every token once and in order, and backfills from the queue', async () => {
    const events: string[] = [];
    const engine = new InstanceEngine(timing, new PrefixCache(100), {
      admitted: (seq) => events.push(`admitted ${seq.commandId}`),
      left: (seq) => events.push(`left ${seq.commandId}`),
      idle: () => events.push('idle'),
    });
    // Different prompt lengths: first tokens fall due at different ticks, between decode steps.
    const all = [sequence('a', 10, 6), sequence('b', 200, 4), sequence('c', 40, 8), sequence('d', 5, 3)];
    for (const { seq } of all) engine.enqueue(seq);
    expect(engine.queuedCount).toBe(4);
    engine.setReady(true);
    expect(engine.active).toHaveLength(3);
    expect(engine.queuedCount).toBe(1);
    await until(() => all.every(({ sink }) => sink.finished === 1));
    for (const { seq, sink } of all) {
      expect(sink.tokens.map((t) => t.token)).toEqual([...Array(seq.outputTokens).keys()]);
      expect(sink.tokens[0]!.atMs).toBeGreaterThanOrEqual(seq.firstTokenDueAtMs - 0.25);
      expect(seq.tokensEmitted).toBe(seq.outputTokens);
      expect(seq.state).toBe('done');
    }
    // d waited for the first slot to free up (b, 4 tokens, long prompt, or a, 6 tokens).
    expect(events.indexOf('admitted d')).toBeGreaterThan(events.findIndex((e) => e.startsWith('left')));
    expect(events.at(-1)).toBe('idle');
    expect(engine.active).toHaveLength(0);
    engine.stop();
  });

  it('decodes in batched steps: sequences in decode share each step, a new one joins at its first token', async () => {
    const engine = new InstanceEngine(
      { ...timing, decodeTokensPerSecond: 50, maxConcurrentRequests: 10 },
      new PrefixCache(100),
      { admitted: () => undefined, left: () => undefined, idle: () => undefined },
    );
    const first = sequence('first', 5, 6);
    const second = sequence('second', 5, 3);
    engine.setReady(true);
    engine.enqueue(first.seq);
    await until(() => first.sink.tokens.length >= 2);
    engine.enqueue(second.seq);
    await until(() => first.sink.finished === 1 && second.sink.finished === 1);
    // After its first token, `second` gets its tokens in the same steps as `first` (a 20 ms step): each
    // of its tokens is nearer to one of `first`'s than half a step, however late the step's timer was.
    const firstTimes = first.sink.tokens.map((t) => t.atMs);
    for (const { atMs } of second.sink.tokens.slice(1)) {
      expect(Math.min(...firstTimes.map((t) => Math.abs(t - atMs)))).toBeLessThan(10);
    }
    engine.stop();
  });

  it('removing a sequence in prefill or in decode stops its output and frees its slot', async () => {
    const engine = new InstanceEngine({ ...timing, maxConcurrentRequests: 2 }, new PrefixCache(100), {
      admitted: () => undefined,
      left: () => undefined,
      idle: () => undefined,
    });
    const decoding = sequence('decoding', 5, 1000);
    const prefilling = sequence('prefilling', 4000, 5); // 400 ms of prefill
    const queued = sequence('queued', 5, 2);
    engine.setReady(true);
    engine.enqueue(decoding.seq);
    engine.enqueue(prefilling.seq);
    engine.enqueue(queued.seq);
    await until(() => decoding.sink.tokens.length >= 3);
    engine.remove(prefilling.seq);
    await until(() => queued.sink.finished === 1);
    engine.remove(decoding.seq);
    const emitted = decoding.sink.tokens.length;
    await sleep(30);
    expect(decoding.sink.tokens).toHaveLength(emitted);
    expect(prefilling.sink.tokens).toHaveLength(0);
    expect(engine.active).toHaveLength(0);
    engine.stop();
  });
});

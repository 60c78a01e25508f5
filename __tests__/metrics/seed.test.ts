/**
 * The seed script's stage statistics, checked on a fixed set of request records against the seed's
 * formulas written again here, from its interface (EXO's .github/scripts/bench.py): content chunks as
 * tokens, failed requests in total_tokens and in the time average, the first success left out of TTFT
 * and decode figures, population standard deviations, null below two values, Python's rounding.
 */
import {
  completeSeedStage,
  computeSeedStageStatistics,
  pythonRound,
  seedRequestResult,
} from '../../src/metrics/seed.js';
import type { RequestRecord } from '../../src/metrics/record.js';

const T0_MS = 1_760_000_000_000;

/** A record of stage `s`; times are offsets from T0_MS, in ms. */
function record(fields: Partial<RequestRecord> & Pick<RequestRecord, 'index' | 'ok'>): RequestRecord {
  return {
    stage: 's',
    warmup: false,
    scheduled_at_ms: T0_MS + fields.index * 1000,
    dispatched_at_ms: T0_MS + fields.index * 1000,
    sent_at_ms: T0_MS + fields.index * 1000 + 2,
    ended_at_ms: T0_MS + fields.index * 1000 + 900,
    output_tokens: 0,
    output_tokens_source: 'usage',
    token_chunks: 0,
    reasoning_chunks: 0,
    keep_alives: 0,
    ...fields,
  };
}

/** Start of request i (handed to the HTTP client). */
const start = (i: number): number => T0_MS + i * 1000;

const RECORDS: RequestRecord[] = [
  // 0: a success, the seed's "warm-up" (left out of TTFT and decode); also one of our warmup requests.
  record({
    index: 0,
    ok: true,
    warmup: true,
    token_chunks: 5,
    output_tokens: 5,
    first_token_at_ms: start(0) + 310,
    first_content_at_ms: start(0) + 310,
    last_token_at_ms: start(0) + 710,
    ended_at_ms: start(0) + 720,
  }),
  // 1: a success with reasoning first: 3 reasoning + 8 content chunks; the server counted 12 tokens.
  record({
    index: 1,
    ok: true,
    token_chunks: 11,
    reasoning_chunks: 3,
    output_tokens: 12,
    first_token_at_ms: start(1) + 100,
    first_content_at_ms: start(1) + 250,
    last_token_at_ms: start(1) + 600,
    ended_at_ms: start(1) + 611,
  }),
  // 2: failed mid-stream after 3 content chunks: its tokens and time still count.
  record({
    index: 2,
    ok: false,
    error_class: 'eof_without_done',
    error_message: 'stream ended without [DONE]',
    token_chunks: 3,
    output_tokens: 3,
    first_token_at_ms: start(2) + 180,
    first_content_at_ms: start(2) + 180,
    last_token_at_ms: start(2) + 380,
    ended_at_ms: start(2) + 1_234,
  }),
  // 3: ended properly with reasoning only: ours a success, the seed's a failure with 0 tokens.
  record({
    index: 3,
    ok: true,
    token_chunks: 4,
    reasoning_chunks: 4,
    output_tokens: 4,
    first_token_at_ms: start(3) + 90,
    last_token_at_ms: start(3) + 400,
    ended_at_ms: start(3) + 410,
  }),
  // 4: a success with one content chunk: TTFT but no decode rate.
  record({
    index: 4,
    ok: true,
    token_chunks: 1,
    output_tokens: 1,
    first_token_at_ms: start(4) + 143,
    first_content_at_ms: start(4) + 143,
    last_token_at_ms: start(4) + 143,
    ended_at_ms: start(4) + 150,
  }),
  // 5: a success with 7 content chunks.
  record({
    index: 5,
    ok: true,
    token_chunks: 7,
    output_tokens: 7,
    first_token_at_ms: start(5) + 420,
    first_content_at_ms: start(5) + 420,
    last_token_at_ms: start(5) + 1_020,
    ended_at_ms: start(5) + 1_033,
  }),
  // 6: refused before any chunk.
  record({
    index: 6,
    ok: false,
    error_class: 'http_status',
    error_message: 'HTTP 503: busy',
    http_status: 503,
    ended_at_ms: start(6) + 13,
  }),
];

/** Rounding to d places (the fixture's values have no exact ties, where Python and this differ). */
const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const populationStdOf = (xs: number[]): number => {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
};

describe('the seed statistics of a fixed stage, by the seed formulas', () => {
  // Shuffled: the seed listed requests by request_id whatever order they ended in.
  const shuffled = [RECORDS[5], RECORDS[2], RECORDS[0], RECORDS[6], RECORDS[3], RECORDS[1], RECORDS[4]];
  const stageStartMs = start(0) - 5;
  const stage = computeSeedStageStatistics(shuffled as RequestRecord[], stageStartMs, start(6) + 20);

  // Per request, written out from the formulas: content chunks = token chunks − reasoning chunks.
  const contentChunks = [5, 8, 3, 0, 1, 7, 0];
  const success = [true, true, false, false, true, true, false];
  const elapsedMs = [720, 611, 1234, 410, 150, 1033, 13];
  const firstContentMs: Array<number | null> = [310, 250, 180, null, 143, 420, null];
  const lastChunkMs = [710, 600, 380, 400, 143, 1020, null];

  it('lists every request in request_id order with the seed fields', () => {
    expect(stage.requests.map((r) => r.request_id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    stage.requests.forEach((request, i) => {
      const first = firstContentMs[i] ?? null;
      const last = lastChunkMs[i] ?? null;
      const tokens = contentChunks[i] as number;
      const decode =
        first !== null && last !== null && tokens > 1 && last - first > 0
          ? round((tokens - 1) / ((last - first) / 1000), 2)
          : null;
      expect(request).toEqual({
        request_id: i,
        success: success[i],
        tokens,
        elapsed_s: round((elapsedMs[i] as number) / 1000, 3),
        started_at: start(i) / 1000,
        completed_at: (start(i) + (elapsedMs[i] as number)) / 1000,
        time_to_first_token_s: first === null ? null : round(first / 1000, 3),
        decode_tps: decode,
        error: success[i] ? null : expect.any(String),
      });
    });
    expect(stage.requests[2]?.error).toBe('stream ended without [DONE]');
    expect(stage.requests[3]?.error).toMatch(/reasoning only/);
    expect(stage.requests[6]?.error).toBe('HTTP 503: busy');
  });

  it('counts every request, content-chunk tokens of failed ones included, and the time of all ÷ successes', () => {
    const successful = success.filter(Boolean).length; // 4
    const totalTokens = contentChunks.reduce((a, b) => a + b, 0); // 24, failed request 2's 3 included
    const elapsedSum = elapsedMs.reduce((a, ms) => a + round(ms / 1000, 3), 0);
    expect(stage).toMatchObject({
      total_requests: 7,
      successful_requests: successful,
      failed_requests: 7 - successful,
      success_rate: round(successful / 7, 4),
      total_tokens: totalTokens,
      avg_tokens_per_request: round(totalTokens / successful, 2),
      avg_time_per_request: round(elapsedSum / successful, 3),
    });
    expect(stage.success_rate).toBe(0.5714);
    expect(stage.total_tokens).toBe(24);
    expect(stage.avg_tokens_per_request).toBe(6);
    expect(stage.avg_time_per_request).toBe(1.043);
  });

  it('leaves the first success out of TTFT and decode figures; population std devs', () => {
    // Successes in firing order: 0, 1, 4, 5; the first (0) is the seed's warm-up.
    const measured = [1, 4, 5];
    const ttfts = measured.map((i) => round((firstContentMs[i] as number) / 1000, 3));
    const rates = measured.flatMap((i) => {
      const tokens = contentChunks[i] as number;
      const interval = ((lastChunkMs[i] as number) - (firstContentMs[i] as number)) / 1000;
      return tokens > 1 && interval > 0 ? [round((tokens - 1) / interval, 2)] : [];
    });
    const msPerToken = rates.map((tps) => 1000 / tps);
    expect(rates).toEqual([20, 10]);
    expect(stage.avg_time_to_first_token).toBe(round(meanOf(ttfts), 3));
    expect(stage.std_time_to_first_token).toBe(round(populationStdOf(ttfts), 3));
    expect(stage.avg_decode_tps).toBe(round(meanOf(rates), 2));
    expect(stage.avg_ms_per_token).toBe(round(meanOf(msPerToken), 2));
    expect(stage.std_ms_per_token).toBe(round(populationStdOf(msPerToken), 2));
    expect([stage.avg_time_to_first_token, stage.std_time_to_first_token]).toEqual([0.271, 0.114]);
    expect([stage.avg_decode_tps, stage.avg_ms_per_token, stage.std_ms_per_token]).toEqual([15, 75, 25]);
  });

  it('times the stage in epoch seconds, its end moved to after the drain', () => {
    expect(stage.stage_started_at).toBe(stageStartMs / 1000);
    expect(stage.stage_completed_at).toBe((start(6) + 20) / 1000);
    expect(stage.stage_duration_s).toBe((start(6) + 20 - stageStartMs) / 1000);
    completeSeedStage(stage, stageStartMs, start(6) + 2_000);
    expect(stage.stage_completed_at).toBe((start(6) + 2_000) / 1000);
    expect(stage.stage_duration_s).toBe((start(6) + 2_000 - stageStartMs) / 1000);
  });
});

describe('the seed statistics at their edges', () => {
  it('keeps a lone success in TTFT, with null deviations below two values', () => {
    const stage = computeSeedStageStatistics([RECORDS[5] as RequestRecord], start(5), start(5) + 2000);
    expect(stage.avg_time_to_first_token).toBe(0.42);
    expect(stage.std_time_to_first_token).toBeNull();
    expect(stage.avg_decode_tps).toBe(10);
    expect(stage.std_ms_per_token).toBeNull();
  });

  it('reports 0 averages and null figures when nothing succeeded, and 0 for an empty stage', () => {
    const failed = computeSeedStageStatistics(
      [RECORDS[2], RECORDS[6]] as RequestRecord[],
      start(2),
      start(7),
    );
    expect(failed).toMatchObject({
      total_requests: 2,
      successful_requests: 0,
      success_rate: 0,
      total_tokens: 3,
      avg_tokens_per_request: 0,
      avg_time_per_request: 0,
      avg_time_to_first_token: null,
      avg_decode_tps: null,
      avg_ms_per_token: null,
    });
    expect(computeSeedStageStatistics([], start(0), start(0)).success_rate).toBe(0);
  });

  it('has no decode rate when the chunks arrived at one instant', () => {
    const burst = record({
      index: 0,
      ok: true,
      token_chunks: 4,
      output_tokens: 4,
      first_content_at_ms: start(0) + 100,
      last_token_at_ms: start(0) + 100,
    });
    expect(seedRequestResult(burst).decode_tps).toBeNull();
  });
});

describe("Python's round", () => {
  it.each([
    [0.125, 2, 0.12],
    [0.375, 2, 0.38],
    [2.5, 0, 2],
    [3.5, 0, 4],
    [2.675, 2, 2.67], // 2.675 is 2.67499999… as a double
    [1.0005, 3, 1], // 1.000499999…
    [-0.125, 2, -0.12],
    [0.99995, 4, 1],
    [123.456789, 3, 123.457],
    [0, 3, 0],
  ])('round(%p, %p) = %p', (value, digits, expected) => {
    expect(pythonRound(value, digits)).toBe(expected);
  });
});

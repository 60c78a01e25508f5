/**
 * The charts and the tables read a request's TTFT from the same place (requestSample): a request that
 * got a token and then failed counts in neither, a warmup request only on the time axis.
 */
import { computeStatistics } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { requestSamples } from '../../src/metrics/samples.js';
import { chartInputs, timeAxis, ttftOverTime } from '../../src/report/charts.js';

/** A request sent at `sentAtMs` whose first token came `ttftMs` later; failed ones end without [DONE]. */
function record(
  index: number,
  sentAtMs: number,
  ttftMs: number,
  outcome: 'ok' | 'failed' | 'warmup',
): RequestRecord {
  return {
    stage: 'load',
    index,
    warmup: outcome === 'warmup',
    scheduled_at_ms: sentAtMs,
    dispatched_at_ms: sentAtMs,
    sent_at_ms: sentAtMs,
    first_token_at_ms: sentAtMs + ttftMs,
    first_content_at_ms: sentAtMs + ttftMs,
    ended_at_ms: sentAtMs + ttftMs + 100,
    ok: outcome !== 'failed',
    ...(outcome === 'failed'
      ? { error_class: 'eof_without_done' as const, error_message: 'the stream ended without [DONE]' }
      : {}),
    output_tokens: outcome === 'failed' ? 1 : 10,
    output_tokens_source: 'usage',
    token_chunks: outcome === 'failed' ? 1 : 10,
    reasoning_chunks: 0,
    keep_alives: 0,
  };
}

const records: RequestRecord[] = [
  record(0, 0, 500, 'warmup'),
  record(1, 1_000, 100, 'ok'),
  record(2, 2_000, 9_000, 'failed'),
  record(3, 3_000, 300, 'ok'),
  record(4, 4_000, 7_000, 'failed'),
  record(5, 5_000, 200, 'ok'),
];

describe('charts and tables on a run with failed requests', () => {
  const charts = chartInputs(records);
  const statistics = computeStatistics(records);

  it('plot the TTFT of exactly the requests the tables count', () => {
    expect(charts.ttftMsInSendOrder).toEqual([100, 300, 200]);
    expect(statistics.ttft_ms.count).toBe(charts.ttftMsInSendOrder.length);
    expect(statistics.ttft_ms.mean).toBe(200);
    expect(charts.ttftMsInSendOrder.reduce((sum, ttft) => sum + ttft, 0) / 3).toBe(200);
    expect(
      requestSamples(records).flatMap((sample) => (sample.ttftMs === undefined ? [] : [sample.ttftMs])),
    ).toEqual(charts.ttftMsInSendOrder);
  });

  it('keep every request on the time axis, but no TTFT for a failed one', () => {
    expect(charts.requests).toHaveLength(records.length);
    expect(charts.requests?.filter((request) => request.ttftMs !== undefined).map((r) => r.ttftMs)).toEqual([
      500, 100, 300, 200,
    ]);
  });

  it('draw a TTFT line no higher than the slowest successful request', () => {
    const axis = timeAxis([{ name: 'load', started_at_ms: 0, ended_at_ms: 12_000 }], charts.requests ?? []);
    const line = axis && ttftOverTime(axis, charts.requests ?? []);
    expect(line).toBeDefined();
    expect(Math.max(...(line?.values ?? []))).toBe(500);
  });
});

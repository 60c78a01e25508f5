/* global Buffer */
// Memory kept per finished request: N requests go through the engine's real request lifecycle
// (startRequest → SSE decoder → chat reader → record) over an in-memory dispatcher that replays an
// EXO-shaped stream, and the records are kept the way runNode keeps them (the stage's array and the
// run's) with the stage's token-gap histogram. Retained heap after a full GC, divided by N.
//
//   node --expose-gc bench/memory.mjs [--requests 100000] [--tokens 100]
import { emit, numberFlag, parseFlags } from './lib/common.mjs';
import { loadBundle } from './lib/bundle.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const flags = parseFlags();
const requests = numberFlag(flags, 'requests', 100_000);
const tokens = numberFlag(flags, 'tokens', 100);
const engine = await loadBundle('bench/engine-entry.ts');

const words = [' the', ' quick', ' brown', ' fox', ' jumps', '\\n', ' é', ' lazy', ' dog.'];
const headOf = (id) =>
  `{"id":"${id}","object":"chat.completion","created":1750582801,"model":"mlx-community/Llama-3.2-1B-Instruct-4bit","choices":[{"index":0,"delta":{"role":"assistant","content":`;
// Token chunks after the first are shared between requests (the reader keeps the first id it sees);
// the first carries each request's own id, so every record holds its own response_id string.
const sharedHead = headOf('7c0e2f4a-1b2c-4d5e-8f90-000000000000');
const sharedChunks = [];
for (let token = 1; token < tokens; token++)
  sharedChunks.push(Buffer.from(`data: ${sharedHead}"${words[token % words.length]}"}}]}\n\n`));
sharedChunks.push(
  Buffer.from(
    `data: ${sharedHead}""},"finish_reason":"length"}],"usage":{"prompt_tokens":20,"completion_tokens":${tokens},"total_tokens":${20 + tokens},"prompt_tokens_details":{"cached_tokens":0}}}\n\n` +
      `: generation_stats {"prompt_tps":812.4,"generation_tps":96.1,"prompt_tokens":20,"generation_tokens":${tokens},"peak_memory_usage":{"in_bytes":1288490188},"prefix_cache_hit":"none"}\n\n` +
      'data: [DONE]\n\n',
  ),
);
const keepAlive = Buffer.from(': keep-alive\n\n');
function streamChunks(index) {
  const id = `7c0e2f4a-1b2c-4d5e-8f90-${String(index).padStart(12, '0')}`;
  return [keepAlive, Buffer.from(`data: ${headOf(id)}"${words[0]}"}}]}\n\n`), ...sharedChunks];
}

/** A dispatcher that answers synchronously from memory: no sockets, so only the engine's own cost shows. */
let replayIndex = 0;
const dispatcher = {
  dispatch(_options, handler) {
    const controller = { abort() {}, pause() {}, resume() {}, paused: false, aborted: false, reason: null };
    handler.onRequestStart(controller, {});
    handler.onResponseStart(controller, 200, { 'content-type': 'text/event-stream; charset=utf-8' }, 'OK');
    for (const chunk of streamChunks(replayIndex++)) handler.onResponseData(controller, chunk);
    handler.onResponseEnd(controller, {});
    return true;
  },
};

const spec = { origin: 'http://127.0.0.1:1', path: '/v1/chat/completions', body: '{}', headers: {} };
async function runRequests(count, keep, histogram) {
  for (let index = 0; index < count; index++) {
    const request = engine.startRequest(
      spec,
      { stage: 'memory', index, warmup: false, scheduledAtMs: 0 },
      {
        dispatcher,
        requestTimeoutMs: 600_000,
        idleTimeoutMs: 60_000,
        onTokenGap: (gapMs) => histogram.record(gapMs),
      },
    );
    const record = await request.done;
    keep.stage.push(record);
    keep.run.push(record);
  }
}

// Warm up the code paths (and their hidden classes) before the baseline.
await runRequests(2000, { stage: [], run: [] }, new engine.Histogram());
globalThis.gc();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const kept = { stage: [], run: [], histogram: new engine.Histogram() };
await runRequests(requests, kept, kept.histogram);
globalThis.gc();
globalThis.gc();
const after = process.memoryUsage().heapUsed;
const sample = kept.run[kept.run.length - 1];
emit({
  requests,
  tokens_per_request: tokens,
  retained_bytes: after - before,
  bytes_per_request: (after - before) / requests,
  record_json_bytes: Buffer.byteLength(JSON.stringify(sample)),
  histogram_count: kept.histogram.count,
});

// SSE token events parsed per second on one core: SseDecoder + ChatStreamReader against a naive
// baseline (string concatenation + split + JSON.parse per event), over an EXO-shaped token stream.
//
//   node bench/sse-parse.mjs [--runs 5] [--events 200000] [--json]
//
// Runs against compiled code, as the action ships it: src/stream/index.ts is bundled with ncc into a
// temporary folder first. Target: ≥ 500,000 token events/s in both feeds.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { TextDecoder, TextEncoder } from 'node:util';

const TARGET_EVENTS_PER_SECOND = 500_000;
const TOKENS_PER_STREAM = 500;

function argument(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const runs = argument('--runs', 5);
const tokenEventsPerRun = argument('--events', 200_000);

/** Bundles src/stream with ncc (the same compiler as dist/) and imports the bundle. */
async function loadCompiledStream() {
  const outDir = mkdtempSync(join(tmpdir(), 'exo-bench-sse-'));
  try {
    execFileSync(
      process.execPath,
      [
        'node_modules/@vercel/ncc/dist/ncc/cli.js',
        'build',
        'src/stream/index.ts',
        '-o',
        outDir,
        '--quiet',
        '--transpile-only',
      ],
      { stdio: 'inherit' },
    );
    return await import(pathToFileURL(join(outDir, 'index.js')).href);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** One EXO streaming response (exo-api.md 5.4) with `tokenCount` token chunks, as bytes. */
function exoStream(tokenCount, streamIndex) {
  const id = `7c0e2f4a-1b2c-4d5e-8f90-${String(streamIndex).padStart(12, '0')}`;
  const head = `{"id":"${id}","object":"chat.completion","created":1750582801,"model":"mlx-community/Qwen3-0.6B-4bit","choices":[{"index":0,"delta":{"role":"assistant","content":`;
  const words = [' the', ' quick', ' brown', ' fox', ' jumps', '\\n', ' \\"over\\"', ' é', ' lazy', ' dog.'];
  let text = ': keep-alive\n\n';
  text +=
    ': prefill_progress {"PrefillProgressChunk":{"model":"mlx-community/Qwen3-0.6B-4bit","processed_tokens":128,"total_tokens":128}}\n\n';
  for (let token = 0; token < tokenCount; token++) {
    text += `data: ${head}"${words[token % words.length]}"}}]}\n\n`;
  }
  text += `data: ${head}""},"finish_reason":"length"}],"usage":{"prompt_tokens":128,"completion_tokens":${tokenCount},"total_tokens":${128 + tokenCount},"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n`;
  text += `: generation_stats {"prompt_tps":812.4,"generation_tps":96.1,"prompt_tokens":128,"generation_tokens":${tokenCount},"peak_memory_usage":{"in_bytes":1288490188},"prefix_cache_hit":"none"}\n\n`;
  text += 'data: [DONE]\n\n';
  return new TextEncoder().encode(text);
}

/** Splits a stream into one Buffer per event (each event in its own TCP read, as at 10–100 tokens/s). */
function perEventChunks(bytes) {
  const chunks = [];
  let start = 0;
  for (let index = 1; index < bytes.length; index++) {
    if (bytes[index] === 0x0a && bytes[index - 1] === 0x0a) {
      chunks.push(Buffer.from(bytes.subarray(start, index + 1)));
      start = index + 1;
    }
  }
  if (start < bytes.length) chunks.push(Buffer.from(bytes.subarray(start)));
  return chunks;
}

function fixedChunks(bytes, size) {
  const chunks = [];
  // Buffers, as sockets and undici deliver them.
  for (let start = 0; start < bytes.length; start += size) {
    chunks.push(Buffer.from(bytes.subarray(start, start + size)));
  }
  return chunks;
}

/** The parser under test: counts token events the way the engine would, one callback per token. */
function parseWithDecoder(stream, chunks) {
  let tokens = 0;
  const reader = new stream.ChatStreamReader({
    onToken() {
      tokens++;
    },
    onDone() {},
  });
  const decoder = new stream.SseDecoder(reader);
  for (const chunk of chunks) decoder.push(chunk);
  decoder.end();
  if (!reader.sawDone || reader.usage === undefined) throw new Error('decoder missed the end of the stream');
  return tokens;
}

/** The usual first implementation: decode to a string, split on blank lines, JSON.parse every event. */
function parseNaively(chunks) {
  const decoder = new TextDecoder();
  let pending = '';
  let tokens = 0;
  let sawDone = false;
  for (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    const events = pending.split('\n\n');
    pending = events.pop() ?? '';
    for (const event of events) {
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const payload = line.slice(5).trim();
        if (payload === '[DONE]') {
          sawDone = true;
          continue;
        }
        const parsed = JSON.parse(payload);
        const delta = parsed.choices?.[0]?.delta;
        if (delta && (delta.content || delta.reasoning_content)) tokens++;
      }
    }
  }
  if (!sawDone) throw new Error('baseline missed the end of the stream');
  return tokens;
}

/** Token events per second of `parse` over every stream, median of `runs` after one warm-up. */
function measure(streams, parse) {
  const rates = [];
  for (let run = 0; run <= runs; run++) {
    let tokens = 0;
    const startedAtMs = performance.now();
    for (const chunks of streams) tokens += parse(chunks);
    const elapsedMs = performance.now() - startedAtMs;
    if (tokens !== streams.length * TOKENS_PER_STREAM) throw new Error(`counted ${tokens} tokens`);
    if (run > 0) rates.push(tokens / (elapsedMs / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const stream = await loadCompiledStream();
const streamCount = Math.max(1, Math.round(tokenEventsPerRun / TOKENS_PER_STREAM));
const bodies = Array.from({ length: streamCount }, (_, index) => exoStream(TOKENS_PER_STREAM, index));
const sample = perEventChunks(bodies[0]);
const tokenEventBytes = sample[2].length;

const feeds = [
  ['one event per chunk', bodies.map(perEventChunks)],
  ['64 KiB chunks', bodies.map((bytes) => fixedChunks(bytes, 64 * 1024))],
];
const rows = [];
let allMeetTarget = true;
for (const [feed, streams] of feeds) {
  const baseline = measure(streams, parseNaively);
  const decoder = measure(streams, (chunks) => parseWithDecoder(stream, chunks));
  allMeetTarget &&= decoder >= TARGET_EVENTS_PER_SECOND;
  rows.push([feed, decoder, baseline]);
}

if (process.argv.includes('--json')) {
  // One JSON line for bench/run.mjs.
  console.log(
    JSON.stringify({
      runs,
      streams: streamCount,
      token_event_bytes: tokenEventBytes,
      feeds: rows.map(([feed, decoder, baseline]) => ({
        feed,
        decoder_events_per_second: decoder,
        naive_events_per_second: baseline,
        ratio: decoder / baseline,
      })),
    }),
  );
  process.exit(allMeetTarget ? 0 : 1);
}
const format = (rate) => Math.round(rate).toLocaleString('en-US');
console.log(
  `SSE token events per second, one core, Node ${process.version}: ${streamCount} EXO streams × ` +
    `${TOKENS_PER_STREAM} tokens, ${tokenEventBytes}-byte token events, median of ${runs} runs\n`,
);
console.log(
  '| feed | SseDecoder + ChatStreamReader | naive concat + split + JSON.parse | ratio | ns/event |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [feed, decoder, baseline] of rows) {
  console.log(
    `| ${feed} | ${format(decoder)} | ${format(baseline)} | ${(decoder / baseline).toFixed(1)}× | ${(1e9 / decoder).toFixed(0)} |`,
  );
}
console.log(
  `\ntarget ≥ ${format(TARGET_EVENTS_PER_SECOND)} token events/s: ${allMeetTarget ? 'met' : 'NOT met'}`,
);
if (!allMeetTarget) process.exitCode = 1;

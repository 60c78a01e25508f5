/* global Buffer, clearTimeout, queueMicrotask, setImmediate */
// The physical ceiling: the simplest client that can drive the same open-loop load — raw `net` sockets,
// one hand-written HTTP/1.1 request per connection (EXO closes after each response), events counted by
// scanning bytes, one timestamp per read. No HTTP parser, no SSE decoder, no records beyond a few
// numbers. It schedules the way the engine does (timer, then a setImmediate spin, and a send that is
// due is fired from the read path), so the two differ only in what they do per request and per read.
//
//   node bench/lib/raw-client.mjs URL RATE ITERATIONS MAX_TOKENS OUT.json
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { MODEL, preciseNowMs } from './common.mjs';

const [urlText, rateText, iterationsText, maxTokensText, outPath] = process.argv.slice(2);
const url = new URL(urlText);
const gapMs = 1000 / Number(rateText);
const iterations = Number(iterationsText);
const maxTokens = Number(maxTokensText);

const DATA = Buffer.from('data: ');
const CONTENT_START = Buffer.from('data: {');
const ID_KEY = Buffer.from('"id":"');

function requestBytes(index) {
  const body = JSON.stringify({
    model: MODEL,
    messages: [{ role: 'user', content: `${String(index).padStart(16, '0')} hello world` }],
    max_tokens: maxTokens,
    stream: true,
    stream_options: { include_usage: true },
  });
  return (
    `POST /v1/chat/completions HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\n` +
    `accept: text/event-stream\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

const scheduled = new Float64Array(iterations);
const dispatched = new Float64Array(iterations);
const sent = new Float64Array(iterations);
const firstToken = new Float64Array(iterations).fill(Number.NaN);
const ended = new Float64Array(iterations).fill(Number.NaN);
const events = new Uint32Array(iterations);
const ids = new Array(iterations);

let errors = 0;
let done = 0;
let nextIndex = 0;
let nextDueMs = Number.POSITIVE_INFINITY;
let startedAtMs = 0;
let finish;

function fireDue(nowMs) {
  while (nextIndex < iterations && nowMs >= nextDueMs) {
    fire(nextIndex, nextDueMs);
    nextIndex++;
    nextDueMs = nextIndex < iterations ? startedAtMs + nextIndex * gapMs : Number.POSITIVE_INFINITY;
    nowMs = preciseNowMs();
  }
}

function fire(index, scheduledAtMs) {
  scheduled[index] = scheduledAtMs;
  dispatched[index] = preciseNowMs();

  const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  socket.once('connect', () => (sent[index] = preciseNowMs()));
  socket.write(requestBytes(index));
  socket.on('data', (chunk) => {
    const readAtMs = preciseNowMs();
    if (readAtMs >= nextDueMs) queueMicrotask(() => fireDue(preciseNowMs()));
    let count = 0;
    for (let at = chunk.indexOf(DATA); at >= 0; at = chunk.indexOf(DATA, at + DATA.length)) count++;
    if (count > 0) {
      if (Number.isNaN(firstToken[index]) && chunk.indexOf(CONTENT_START) >= 0) {
        firstToken[index] = readAtMs;
        const key = chunk.indexOf(ID_KEY);
        if (key >= 0) {
          const start = key + ID_KEY.length;
          ids[index] = chunk.toString('latin1', start, chunk.indexOf(0x22, start));
        }
      }
      events[index] += count;
    }
  });
  socket.on('error', () => errors++);
  socket.on('close', () => {
    ended[index] = preciseNowMs();

    done++;
    if (done === iterations) finish();
  });
}

function spin() {
  const nowMs = preciseNowMs();
  if (nowMs >= nextDueMs) fireDue(nowMs);
  if (nextIndex >= iterations) return;
  const waitMs = nextDueMs - preciseNowMs() - 2;
  if (waitMs > 0) setTimeout(spin, waitMs);
  else setImmediate(spin);
}

const finished = new Promise((resolve) => (finish = resolve));
startedAtMs = preciseNowMs() + 20;
nextDueMs = startedAtMs;
spin();
// Bounded: every request ends by itself; give up after the schedule plus a minute.
const guard = setTimeout(() => finish(), iterations * gapMs + 60_000);
await finished;
clearTimeout(guard);
const requests = [];
for (let i = 0; i < iterations; i++) {
  requests.push({
    scheduled_at_ms: scheduled[i],
    dispatched_at_ms: dispatched[i],
    sent_at_ms: sent[i] || dispatched[i],
    first_token_at_ms: Number.isNaN(firstToken[i]) ? undefined : firstToken[i],
    ended_at_ms: Number.isNaN(ended[i]) ? preciseNowMs() : ended[i],
    token_chunks: events[i],
    response_id: ids[i],
    ok: !Number.isNaN(firstToken[i]),
  });
}
writeFileSync(outPath, JSON.stringify({ errors, requests }));
process.exit(0);

/* global Buffer, clearInterval, clearTimeout, setInterval */
// Client CPU per body read of a streamed response, by HTTP client: the load path's lean HTTP/1.1 client
// (src/stream/http1.ts), undici's Agent (what the load path used before, and the control plane still
// uses), and a bare `net` socket counting bytes in a 'data' listener (the floor: no HTTP parsing at all).
// The handler of each only counts reads and bytes, so the figure is the transport's own cost.
//
//   node bench/http1-reads.mjs [--streams 2000] [--tokens 40] [--gap-ms 50] [--rounds 3] [--clients lean,undici,net]
//
// A server in its own process (this file with --serve) answers each request with a chunked event
// stream and `connection: close`, as EXO does; once all `streams` requests have their response head it
// writes one token event to every stream every `gap-ms` (the batched decode of an MLX server), `tokens`
// times, then ends them all. The window measured is from the last response head to the last end:
// reads and closes only (connects are outside it). Rounds are interleaved: client A, B, C, A, B, C, …
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect } from 'node:net';
import { Agent } from 'undici';
import { loadBundle } from './lib/bundle.mjs';
import { numberFlag, parseFlags } from './lib/common.mjs';

const flags = parseFlags();
const streams = numberFlag(flags, 'streams', 2000);
const tokens = numberFlag(flags, 'tokens', 40);
const gapMs = numberFlag(flags, 'gap-ms', 50);

if (flags.serve) serve();
else await measure();

function serve() {
  const EVENT =
    'data: {"id":"chatcmpl-0123456789","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":" token"}}]}\n\n';
  const CHUNK = `${Buffer.byteLength(EVENT).toString(16)}\r\n${EVENT}\r\n`;
  const HEAD =
    'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n' +
    'connection: close\r\ntransfer-encoding: chunked\r\n\r\n';
  let open = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      const headEnd = seen.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(seen.slice(0, headEnd))?.[1] ?? 0);
      if (seen.length < headEnd + 4 + length) return;
      seen = '';
      socket.write(HEAD);
      open.push(socket);
      if (open.length === streams) stream(open.splice(0));
    });
    socket.on('error', () => undefined);
  });
  function stream(sockets) {
    let written = 0;
    const timer = setInterval(() => {
      written++;
      for (const socket of sockets) socket.write(written < tokens ? CHUNK : `${CHUNK}0\r\n\r\n`);
      if (written === tokens) {
        clearInterval(timer);
        for (const socket of sockets) socket.end();
      }
    }, gapMs);
  }
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  // Bounded: the parent kills it; if the parent dies, stdin closes.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

async function measure() {
  const clients = String(flags.clients ?? 'lean,undici,net').split(',');
  const rounds = numberFlag(flags, 'rounds', 3);
  const { Http1Dispatcher } = await loadBundle('bench/http1-entry.ts');
  const server = spawn(
    process.execPath,
    [new URL(import.meta.url).pathname, '--serve', ...process.argv.slice(2)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise((resolve) =>
    server.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  const origin = `http://127.0.0.1:${port}`;
  const results = Object.fromEntries(clients.map((client) => [client, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const client of clients) results[client].push(await once(client, origin, Http1Dispatcher));
    }
  } finally {
    server.kill();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows = clients.map((client) => {
    const list = results[client];
    return {
      client,
      cpu_us_per_read: median(list.map((r) => r.cpuUs / r.reads)),
      cpu_us_per_event: median(list.map((r) => r.cpuUs / (streams * tokens))),
      reads_per_stream: median(list.map((r) => r.reads / streams)),
      window_cpu_share: median(list.map((r) => r.cpuUs / 1000 / r.windowMs)),
      errors: list.reduce((sum, r) => sum + r.errors, 0),
      rounds: list.length,
    };
  });
  console.log(JSON.stringify({ streams, tokens, gap_ms: gapMs, node: process.version, rows }, null, 2));
}

/** One measurement: `streams` requests through `client`, counted from the last head to the last end. */
async function once(client, origin, Http1Dispatcher) {
  const body = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const dispatcher =
    client === 'lean'
      ? new Http1Dispatcher()
      : client === 'undici'
        ? new Agent({
            connections: null,
            pipelining: 1,
            keepAliveTimeout: 10_000,
            connect: { timeout: 30_000 },
          })
        : null;
  let heads = 0;
  let ended = 0;
  let reads = 0;
  let errors = 0;
  let windowStart;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  const onHead = () => {
    if (++heads === streams) windowStart = { atMs: performance.now(), cpu: process.cpuUsage() };
  };
  const onEnd = () => {
    if (++ended === streams) resolveDone();
  };
  const handler = {
    onRequestStart() {},
    onResponseStart: onHead,
    onResponseData() {
      reads++;
    },
    onResponseEnd: onEnd,
    onResponseError() {
      errors++;
      onEnd();
    },
  };
  const { port, hostname } = new URL(origin);
  for (let index = 0; index < streams; index++) {
    if (dispatcher) {
      dispatcher.dispatch(
        {
          origin,
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        },
        handler,
      );
    } else {
      const socket = connect({ host: hostname, port: Number(port), noDelay: true });
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      let first = true;
      socket.on('data', () => {
        if (first) {
          first = false;
          onHead();
        } else reads++;
      });
      socket.on('error', () => errors++);
      socket.on('close', onEnd);
    }
  }
  // Bounded: the server ends every stream after tokens × gap-ms.
  const guard = setTimeout(resolveDone, tokens * gapMs + 120_000);
  await done;
  clearTimeout(guard);
  const cpu = process.cpuUsage(windowStart?.cpu);
  const windowMs = performance.now() - (windowStart?.atMs ?? 0);
  await dispatcher?.close();
  return { cpuUs: cpu.user + cpu.system, reads, errors, windowMs };
}

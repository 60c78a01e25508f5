/* global fetch, Buffer */
// Throughput of the EXO simulator in its own process: K concurrent streams on one instance, each
// decoding at R tokens/s, read by raw `net` sockets in this process. The simulator reports its own CPU
// time (GET /_simulator/stats), so the figure that matters — streamed tokens per simulator CPU-second —
// does not depend on how fast this client drains the sockets.
//
// Usage: node bench/simulator-throughput.mjs [--streams 5000] [--rate 40] [--seconds 5] [--runs 3] [--coalesce-ms 0]
// Runs the entry in SIMULATOR_ENTRY when set, else `node dist/cli/index.js simulate …`
// (e.g. an ncc build of src/simulator/standalone.ts that takes the same flags).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STREAMS = flag('streams', 5000);
const RATE = flag('rate', 40);
const SECONDS = flag('seconds', 5);
const RUNS = flag('runs', 3);
const COALESCE_MS = flag('coalesce-ms', 0);
const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

function simulatorCommand() {
  if (process.env.SIMULATOR_ENTRY) return [process.env.SIMULATOR_ENTRY];
  if (existsSync('dist/cli/index.js')) return ['dist/cli/index.js', 'simulate'];
  console.error('No simulator build: run `npm run build` (dist/cli/index.js) or set SIMULATOR_ENTRY.');
  process.exit(2);
}

async function startSimulator() {
  const dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
  const profile = join(dir, 'profile.json');
  writeFileSync(
    profile,
    JSON.stringify({
      runnerIdleMs: 5,
      loadDurationMs: 50,
      warmupMs: 5,
      placementDelayMs: 1,
      maxConcurrentRequests: STREAMS,
      decodeTokensPerSecond: RATE,
      decodeSlowdownPerExtraStream: 0,
      prefillTokensPerSecond: 1e7,
      prefillOverheadMs: 0,
      groundTruthCapacity: 100000,
      streamWriteCoalesceMs: COALESCE_MS,
    }),
  );
  const child = spawn(process.execPath, [...simulatorCommand(), '--profile', profile, '--seed', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const url = new URL(JSON.parse(line).nodes[0].url);
  return { child, url };
}

async function json(url, path, init) {
  const res = await fetch(new URL(path, url), init);
  return res.json();
}

async function run() {
  const { child, url } = await startSimulator();
  try {
    await json(url, '/place_instance', { method: 'POST', body: JSON.stringify({ model_id: MODEL }) });
    for (let i = 0; i < 500; i++) {
      const runners = await json(url, '/state/runners');
      if (Object.values(runners).some((r) => 'RunnerReady' in r)) break;
      await sleep(10);
    }
    const body = JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
      max_tokens: Math.ceil(RATE * (SECONDS + 30)),
    });
    const request =
      `POST /bench/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const sockets = [];
    let bytesRead = 0;
    let errors = 0;
    // Connect in waves so the accept queue never overflows.
    for (let i = 0; i < STREAMS; i++) {
      const socket = connect({ host: url.hostname, port: Number(url.port) });
      socket.on('data', (chunk) => {
        bytesRead += chunk.length;
      });
      socket.on('error', () => errors++);
      socket.write(request);
      sockets.push(socket);
      if (i % 500 === 499) await sleep(20);
    }
    for (let i = 0; i < 1000; i++) {
      const stats = await json(url, '/_simulator/stats');
      if (process.env.BENCH_DEBUG && i % 25 === 0) console.error(JSON.stringify(stats), errors);
      if (stats.active_streams >= STREAMS) break;
      await sleep(20);
    }
    await sleep(1000); // let every stream reach steady decoding
    const a = await json(url, '/_simulator/stats');
    const clientCpuA = process.cpuUsage();
    await sleep(SECONDS * 1000);
    const b = await json(url, '/_simulator/stats');
    const clientCpu = process.cpuUsage(clientCpuA);
    const wallS = (b.time_ms - a.time_ms) / 1000;
    const cpuS = (b.cpu_user_us + b.cpu_system_us - a.cpu_user_us - a.cpu_system_us) / 1e6;
    const tokens = b.tokens_written - a.tokens_written;
    for (const s of sockets) s.destroy();
    return {
      streams: b.active_streams,
      tokensPerSecond: tokens / wallS,
      simCpuShare: cpuS / wallS,
      tokensPerCpuSecond: tokens / cpuS,
      clientCpuShare: (clientCpu.user + clientCpu.system) / 1e6 / wallS,
      errors,
      bytesRead,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const results = [];
for (let i = 0; i < RUNS; i++) {
  const r = await run();
  results.push(r);
  console.error(`run ${i + 1}: ${JSON.stringify(r)}`);
}
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(
  `\nSimulator throughput (median of ${RUNS} runs, ${SECONDS} s window each, write coalescing ${COALESCE_MS} ms)`,
);
console.log(
  '| streams | target tok/s | streamed tok/s | simulator CPU | tok per simulator CPU-s | client CPU | socket errors |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
console.log(
  `| ${median(results.map((r) => r.streams))} | ${fmt(STREAMS * RATE)} | ${fmt(median(results.map((r) => r.tokensPerSecond)))} | ` +
    `${fmt(median(results.map((r) => r.simCpuShare)) * 100, 1)} % | ${fmt(median(results.map((r) => r.tokensPerCpuSecond)))} | ` +
    `${fmt(median(results.map((r) => r.clientCpuShare)) * 100, 1)} % | ${median(results.map((r) => r.errors))} |`,
);

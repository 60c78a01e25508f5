/* global Buffer, performance */
// Throughput of the EXO simulator in its own process: K concurrent streams on one instance, each
// decoding at R tokens/s, read by raw `net` sockets in this process. The simulator reports its own CPU
// time (GET /_simulator/stats), so the figure that matters — streamed tokens per simulator CPU-second —
// is charged to the simulator alone, whatever this client costs.
//
//   node bench/simulator-throughput.mjs [--streams 5000] [--rate 40] [--seconds 5] [--runs 3]
//        [--coalesce-ms 0] [--entry ENTRY] [--before OLD_ENTRY] [--no-ceiling]
//
// Variants, interleaved run by run so a noisy stretch of the shared machine hits them alike:
// - simulator: `node dist/cli/index.js simulate …`, or the entry in --entry / $SIMULATOR_ENTRY (e.g. an ncc
//   build of src/simulator/standalone.ts, which takes the same flags);
// - before (with --before): an older entry, for a before/after ratio in one session (a CLI bundle
//   takes its subcommand: --before "OLD/dist/cli/index.js simulate");
// - ceiling: this script in `--serve-ceiling` mode, a bare `net` stream server that does nothing per
//   token but one `socket.write` of the same chunk-framed token event, from one timer per decode step.
//   It is what one write per token per stream costs on this machine (mostly the loopback TCP send path
//   in the kernel); the simulator cannot beat it without putting several tokens in one write.
// $BENCH_SIMULATOR_NODE_ARGS adds node flags to the server processes (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
// Prints a table (figure, value, command), then the raw samples as one JSON line (the last line).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { MODEL, getJson, median, numberFlag, parseFlags, placeAndWait } from './lib/common.mjs';

const flags = parseFlags();
const STREAMS = numberFlag(flags, 'streams', 5000);
const RATE = numberFlag(flags, 'rate', 40);
const SECONDS = numberFlag(flags, 'seconds', 5);
const RUNS = numberFlag(flags, 'runs', 3);
const COALESCE_MS = numberFlag(flags, 'coalesce-ms', 0);
const TARGET_TOKENS_PER_CPU_SECOND = 200_000;
const SELF = fileURLToPath(import.meta.url);

/** The chunk-framed bytes the simulator writes for one EXO token event (the ceiling writes the same). */
function tokenFrame() {
  const event =
    'data: {"id":"7c0e2f4a-1b2c-4d5e-8f90-0123456789ab","object":"chat.completion","created":1750582801,' +
    `"model":"${MODEL}","choices":[{"index":0,"delta":{"role":"assistant","content":" the"}}]}\n\n`;
  return `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`;
}

// ------------------------------------------------------------------ ceiling server (child mode)

/**
 * A stand-in for the simulator that answers the few control requests this bench makes and, for each
 * streaming request, sends EXO's headers and then one `socket.write` of a constant token frame per
 * decode step: the cost of the syscall and of Node's socket write path, and nothing else.
 */
function serveCeiling() {
  const stepMs = 1000 / RATE;
  const frame = tokenFrame();
  const streams = new Set();
  let tokensWritten = 0;
  const json = (res, body) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = createServer({ noDelay: true, requestTimeout: 0 }, (req, res) => {
    req.resume();
    if (req.url === '/_simulator/stats') {
      const cpu = process.cpuUsage();
      const now = performance.timeOrigin + performance.now();
      return json(res, {
        cpu_user_us: cpu.user,
        cpu_system_us: cpu.system,
        active_streams: streams.size,
        tokens_written: tokensWritten,
        time_ms: now,
      });
    }
    if (req.url === '/bench/chat/completions') {
      const socket = res.socket;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'close',
        'x-accel-buffering': 'no',
      });
      res.write(': keep-alive\n\n');
      streams.add(socket);
      socket.once('close', () => streams.delete(socket));
      return undefined;
    }
    if (req.url === '/state/runners') return json(res, { runner: { RunnerReady: {} } });
    return json(res, {});
  });
  server.timeout = 0;
  server.on('connection', (socket) => socket.on('error', () => undefined));
  let nextStepAt = performance.now() + stepMs;
  const step = () => {
    for (const socket of streams) {
      socket.write(frame);
      tokensWritten++;
    }
    const now = performance.now();
    nextStepAt += stepMs;
    if (nextStepAt < now) nextStepAt = now + stepMs;
    setTimeout(step, nextStepAt - now);
  };
  server.listen({ host: '127.0.0.1', port: 0, backlog: 8192 }, () => {
    const { port } = server.address();
    process.stdout.write(`${JSON.stringify({ nodes: [{ url: `http://127.0.0.1:${port}` }] })}\n`);
    setTimeout(step, stepMs);
  });
  process.once('SIGTERM', () => process.exit(0));
}

// ------------------------------------------------------------------ one measured run

/** An entry is a script path, optionally followed by arguments (`OLD/dist/cli/index.js simulate`). */
function simulatorArgs(entry) {
  if (entry) return entry.split(' ').filter(Boolean);
  if (existsSync('dist/cli/index.js')) return ['dist/cli/index.js', 'simulate'];
  console.error('No simulator build: run `npm run build` (dist/cli/index.js) or set SIMULATOR_ENTRY.');
  process.exit(2);
}

/** Starts a server process (a simulator entry, or this script as the ceiling) and resolves its URL. */
async function startServer(variant) {
  const extra = (process.env.BENCH_SIMULATOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  let args;
  let dir = null;
  if (variant.ceiling) {
    args = [SELF, '--serve-ceiling', '--rate', String(RATE)];
  } else {
    dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
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
    args = [...simulatorArgs(variant.entry), '--profile', profile, '--seed', '1'];
  }
  const child = spawn(process.execPath, [...extra, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`${variant.name} server exited with ${code}`)));
  });
  // The simulator read its profile before it printed its URL.
  if (dir) rmSync(dir, { recursive: true, force: true });
  return { child, url: new URL(JSON.parse(line).nodes[0].url) };
}

/** One sample: open STREAMS streams, wait for steady decoding, measure SECONDS of it. */
async function run(variant) {
  const { child, url } = await startServer(variant);
  try {
    await placeAndWait(url.origin);
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
    // The client only counts bytes: every socket reads into one shared 64 KiB buffer (no allocation per
    // read), so it keeps up with the server for as long as it can.
    const readBuffer = Buffer.allocUnsafe(64 * 1024);
    const onread = {
      buffer: readBuffer,
      callback: (n) => {
        bytesRead += n;
      },
    };
    // Connect in waves so the accept queue never overflows.
    for (let i = 0; i < STREAMS; i++) {
      const socket = connect({ host: url.hostname, port: Number(url.port), onread });
      socket.on('error', () => errors++);
      socket.write(request);
      sockets.push(socket);
      if (i % 500 === 499) await sleep(20);
    }
    for (let i = 0; i < 1000; i++) {
      const stats = await getJson(new URL('/_simulator/stats', url));
      if (process.env.BENCH_DEBUG && i % 25 === 0) console.error(JSON.stringify(stats), errors);
      if (stats.active_streams >= STREAMS) break;
      await sleep(20);
    }
    await sleep(1000); // let every stream reach steady decoding
    const a = await getJson(new URL('/_simulator/stats', url));
    const clientCpuA = process.cpuUsage();
    const bytesA = bytesRead;
    await sleep(SECONDS * 1000);
    const b = await getJson(new URL('/_simulator/stats', url));
    const clientCpu = process.cpuUsage(clientCpuA);
    const wallS = (b.time_ms - a.time_ms) / 1000;
    const userS = (b.cpu_user_us - a.cpu_user_us) / 1e6;
    const systemS = (b.cpu_system_us - a.cpu_system_us) / 1e6;
    const tokens = b.tokens_written - a.tokens_written;
    const bytesInWindow = bytesRead - bytesA;
    for (const s of sockets) s.destroy();
    return {
      streams: b.active_streams,
      tokens_per_second: tokens / wallS,
      target_tokens_per_second: STREAMS * RATE,
      server_cpu_share: (userS + systemS) / wallS,
      server_system_cpu_share: systemS / wallS,
      tokens_per_cpu_second: tokens / (userS + systemS),
      us_per_token: ((userS + systemS) * 1e6) / tokens,
      us_per_token_user: (userS * 1e6) / tokens,
      us_per_token_system: (systemS * 1e6) / tokens,
      client_cpu_share: (clientCpu.user + clientCpu.system) / 1e6 / wallS,
      client_bytes_per_second: bytesInWindow / wallS,
      errors,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

// ------------------------------------------------------------------ main

async function main() {
  const entry = typeof flags.entry === 'string' ? flags.entry : process.env.SIMULATOR_ENTRY;
  const variants = [{ name: 'simulator', entry }];
  if (typeof flags.before === 'string') variants.push({ name: 'before', entry: flags.before });
  if (flags['no-ceiling'] !== true) variants.push({ name: 'ceiling', ceiling: true });
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const variant of variants) {
      const sample = await run(variant);
      samples[variant.name].push(sample);
      console.error(`run ${round + 1}/${RUNS} ${variant.name}: ${JSON.stringify(sample)}`);
    }
  }
  const med = (name, key) => median((samples[name] ?? []).map((s) => s[key]));
  const ratioMedian = (num, den) => {
    const a = samples[num];
    const b = samples[den];
    if (!a || !b) return null;
    // Ratios of samples from the same round (measured back to back), then their median.
    return median(a.map((s, i) => s.tokens_per_cpu_second / b[i].tokens_per_cpu_second));
  };
  const int = (x) => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
  const pct = (x) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
  const us = (x) => (x === null ? 'n/a' : `${x.toFixed(2)} µs`);
  const base = `--streams ${STREAMS} --rate ${RATE} --seconds ${SECONDS} --runs ${RUNS}`;
  const command = `node bench/simulator-throughput.mjs ${base}${COALESCE_MS ? ` --coalesce-ms ${COALESCE_MS}` : ''}`;
  const entryNote =
    typeof flags.entry === 'string' ? ` --entry ${entry}` : entry ? ` (SIMULATOR_ENTRY=${entry})` : '';
  const perCpu = med('simulator', 'tokens_per_cpu_second');
  const rows = [
    [
      'streams held, socket errors',
      `${int(med('simulator', 'streams'))} of ${int(STREAMS)}, ${int(med('simulator', 'errors'))} errors`,
      command + entryNote,
    ],
    [
      `streamed tokens per simulator CPU-second (target ≥ ${int(TARGET_TOKENS_PER_CPU_SECOND)})`,
      `${int(perCpu)} (${us(med('simulator', 'us_per_token'))} per token, user ${us(med('simulator', 'us_per_token_user'))} + kernel ${us(med('simulator', 'us_per_token_system'))}): ${perCpu !== null && perCpu >= TARGET_TOKENS_PER_CPU_SECOND ? 'met' : '**not met**'}`,
      command + entryNote,
    ],
    [
      'streamed tokens per second (wall), simulator CPU, client CPU',
      `${int(med('simulator', 'tokens_per_second'))} of ${int(STREAMS * RATE)} scheduled; simulator ${pct(med('simulator', 'server_cpu_share'))} (kernel ${pct(med('simulator', 'server_system_cpu_share'))}), client ${pct(med('simulator', 'client_cpu_share'))}`,
      command + entryNote,
    ],
  ];
  if (samples.ceiling) {
    rows.push(
      [
        'ceiling: bare `socket.write` of one token frame per stream per step (never coalesced), writes per server CPU-second',
        `${int(med('ceiling', 'tokens_per_cpu_second'))} (${us(med('ceiling', 'us_per_token'))} per write, user ${us(med('ceiling', 'us_per_token_user'))} + kernel ${us(med('ceiling', 'us_per_token_system'))}); ${int(med('ceiling', 'tokens_per_second'))} writes/s wall`,
        `${command} (ceiling row; server: node bench/simulator-throughput.mjs --serve-ceiling --rate ${RATE})`,
      ],
      [
        'simulator ÷ ceiling (per CPU-second, median of per-round ratios)',
        `${ratioMedian('simulator', 'ceiling')?.toFixed(2) ?? 'n/a'}; the simulator's own cost beyond the bare write ${us(
          median(samples.simulator.map((sim, i) => sim.us_per_token - samples.ceiling[i].us_per_token)),
        )} per token`,
        command + entryNote,
      ],
    );
    const ceiling = med('ceiling', 'tokens_per_cpu_second');
    if (ceiling !== null && ceiling < TARGET_TOKENS_PER_CPU_SECOND) {
      rows.push([
        `is ${int(TARGET_TOKENS_PER_CPU_SECOND)} per CPU-second reachable with one write per token per stream?`,
        `no, not on this machine: it needs ≤ ${us(1e6 / TARGET_TOKENS_PER_CPU_SECOND)} per token, and the bare write alone costs ${us(med('ceiling', 'us_per_token'))} (kernel ${us(med('ceiling', 'us_per_token_system'))}); only several tokens per write (--coalesce-ms) can get there`,
        command,
      ]);
    }
  }
  if (samples.before) {
    rows.push(
      [
        'before: streamed tokens per simulator CPU-second',
        `${int(med('before', 'tokens_per_cpu_second'))} (${us(med('before', 'us_per_token'))} per token: user ${us(med('before', 'us_per_token_user'))} + kernel ${us(med('before', 'us_per_token_system'))})`,
        `${command} --before ${flags.before}`,
      ],
      [
        'after ÷ before (per CPU-second, median of per-round ratios)',
        `${ratioMedian('simulator', 'before')?.toFixed(2) ?? 'n/a'}`,
        `${command} --before ${flags.before}`,
      ],
    );
  }
  let text = `\nSimulator throughput, Node ${process.version}: ${STREAMS} streams × ${RATE} tok/s, ${SECONDS} s window, median of ${RUNS} run${RUNS === 1 ? '' : 's'}, write coalescing ${COALESCE_MS} ms\n\n`;
  text += '| figure | value | command |\n| --- | --- | --- |\n';
  for (const row of rows)
    text += `| ${row.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |\n`;
  console.log(text);
  console.log(
    JSON.stringify({
      node: process.version,
      streams: STREAMS,
      rate: RATE,
      seconds: SECONDS,
      runs: RUNS,
      coalesce_ms: COALESCE_MS,
      command,
      simulator_tokens_per_cpu_second: perCpu,
      ceiling_writes_per_cpu_second: med('ceiling', 'tokens_per_cpu_second'),
      simulator_over_ceiling: ratioMedian('simulator', 'ceiling'),
      after_over_before: ratioMedian('simulator', 'before'),
      samples,
    }),
  );
}

if (flags['serve-ceiling'] === true) serveCeiling();
else await main();

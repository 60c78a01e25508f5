/* global clearTimeout, performance */
// Issue #4's accuracy bar: measured TTFT and E2E against the simulator's ground truth, for
// bench_config.yaml-shaped runs with shortened gaps, with the engine as users run it (the CLI bundle)
// and the simulator in its own process at its default timing model (a 1B 4-bit model on one M3 Ultra:
// batches of 8, queueing, decode slowing as the batch grows). Only loading is made fast.
//
//   node bench/accuracy.mjs [--config configs/bench_config.yaml] [--speedup 20] [--repeat 1] [--runs 3]
//                           [--cli PATH]
//                           [--in-process] [--pin]
//
// --repeat N runs the config's stages N times over in one run (stage `warmup` becomes `warmup_r1` …
// `warmup_rN`, in the config's order each time): the same shape, N times the samples, so a p99 is not
// just the largest of 65 requests.
// --pin (Linux): the simulator (and the floor's echo server) on CPU 0, this script and the CLI on CPU 1.
// Unpinned, the kernel wakes a reader on the CPU of the process that wrote to it; when the writer keeps
// running after a write (the simulator ending a stream right after its last token), the reader waits
// for it: the last token then reaches the client ~0.5 ms later than the first token does, relative to
// the truth (measured with a raw-socket reader: 0.72-0.77 ms sharing a CPU, 0.30 ms on separate ones).
//
// --in-process: engine and simulator in this one process (both bundled from src/ with ncc), which takes
// the second process's wake-up on the other vCPU out of the figure: what is left is the engine's own
// timestamping and the simulator's work on the shared event loop.
//
// Errors are durations, so the two processes' clocks cancel:
//   TTFT error = (first token read − request sent) − (first token written − request arrived)
//   E2E error  = (stream end read − request sent)   − (stream ended − request arrived)
//   last-token error = (last token read − request sent) − (last token written − request arrived)
// E2E is what results.json reports as E2E (send to the end of the stream); the last-token error is
// the same for the last token, which the simulator follows with the stream's end (see --pin).
// Both are ≥ 0 by physics (a byte is written before it is read); what remains is the time the bytes
// spent between the processes. The same run measures that floor directly: a loopback round trip
// between two bare Node processes at the same cadence (`floor_rtt_ms`), since a TTFT error is one
// request leg plus one response leg, i.e. one round trip.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadBundle } from './lib/bundle.mjs';
import {
  CLI_BUNDLE,
  FAST_LOADING,
  REPO_ROOT,
  emit,
  groundTruthById,
  median,
  numberFlag,
  parseFlags,
  pinned,
  startSimulator,
  summary,
  tempDir,
} from './lib/common.mjs';

const flags = parseFlags();
const configFile = resolve(flags.config ?? join(REPO_ROOT, 'configs/bench_config.yaml'));
const speedup = numberFlag(flags, 'speedup', 20);
const runs = numberFlag(flags, 'runs', 3);
const repeat = numberFlag(flags, 'repeat', 1);
const cli = resolve(flags.cli ?? CLI_BUNDLE);
const inProcess = flags['in-process'] === true;
const pin = flags.pin === true;
const SIMULATOR_CPU = pin ? 0 : undefined;
if (pin && inProcess) throw new Error('--pin needs two processes; it cannot go with --in-process');
if (pin && process.env.EXO_BENCH_PINNED !== '1') {
  // Re-run this script on CPU 1; the children it starts inherit that unless pinned elsewhere.
  const [command, args] = pinned(1, [process.execPath, ...process.argv.slice(1)]);
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, EXO_BENCH_PINNED: '1' } });
  child.once('error', (error) => {
    process.stderr.write(`--pin: cannot run taskset (util-linux): ${error.message}\n`);
    process.exit(2);
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await new Promise(() => {});
}
const PROFILE = { ...FAST_LOADING, groundTruthCapacity: 100_000 };

/** The config with one node and every gap divided by `speedup`. */
function shortenedConfig(dir) {
  const config = parse(readFileSync(configFile, 'utf8'));
  const shortened = {
    ...config,
    hardware_plan: { BENCH: 1 },
    environment: undefined,
    timeout_seconds: 120,
    max_dispatch_lag_p99_ms: 1000,
    stages: Array.from({ length: repeat }, (_, round) =>
      config.stages.map((stage) => ({
        ...stage,
        name: repeat > 1 ? `${stage.name}_r${round + 1}` : stage.name,
        time_between_requests: stage.time_between_requests / speedup,
      })),
    ).flat(),
  };
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(shortened));
  return { path, stages: shortened.stages };
}

function runCli(args, boundMs) {
  return new Promise((resolvePromise, reject) => {
    const extra = (process.env.BENCH_CLIENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...extra, cli, ...args], {
      stdio: ['ignore', process.env.BENCH_CLIENT_STDOUT ? 'inherit' : 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 || code === 1) resolvePromise(code);
      else reject(new Error(`the CLI exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/** Loopback round trips between this process and a bare Node echo server, one every `gapMs`. */
async function floorRoundTrips(count, gapMs) {
  const server = spawn(
    ...pinned(SIMULATOR_CPU, [
      process.execPath,
      '-e',
      `const s=require('net').createServer(c=>{c.setNoDelay(true);c.on('data',d=>c.write(d))});` +
        `s.listen(0,'127.0.0.1',()=>console.log(s.address().port));process.stdin.on('end',()=>process.exit(0));process.stdin.resume();`,
    ]),
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise((resolvePort, reject) => {
      const timer = setTimeout(() => reject(new Error('echo server did not start')), 10_000);
      server.stdout.once('data', (d) => {
        clearTimeout(timer);
        resolvePort(Number(String(d).trim()));
      });
    });
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolveConnect, reject) => {
      socket.once('connect', resolveConnect);
      socket.once('error', reject);
    });
    const rtts = [];
    for (let i = 0; i < count; i++) {
      const sentAt = performance.now();
      await new Promise((resolveEcho, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
        socket.once('data', () => {
          clearTimeout(timer);
          rtts.push(performance.now() - sentAt);
          resolveEcho();
        });
        socket.write('x');
      });
      await new Promise((r) => setTimeout(r, gapMs));
    }
    socket.destroy();
    return summary(rtts);
  } finally {
    server.stdin.end();
  }
}

/** The engine as users run it: the CLI bundle in its own process, the simulator in another. */
async function runSeparate(dir, configPath, stages) {
  const simulator = await startSimulator(PROFILE, { cli: CLI_BUNDLE, cpu: SIMULATOR_CPU });
  try {
    const output = join(dir, 'out');
    const scheduleMs = stages.reduce((sum, s) => sum + s.time_between_requests * s.iterations * 1000, 0);
    await runCli(
      ['--config', configPath, '--api-url', simulator.url, '--output', output],
      scheduleMs + 180_000,
    );
    return { output, truth: await groundTruthById(simulator.url) };
  } finally {
    await simulator.stop();
  }
}

/**
 * Engine and simulator in this one process (both bundled with ncc from src/): no second process to wake
 * on the other vCPU, so what remains of the error is the engine's own timestamping plus the simulator's
 * work on the shared event loop (which can only add to it).
 */
let engine;
async function runInProcess(dir, configPath) {
  engine ??= await loadBundle('bench/accuracy-entry.ts');
  const simulator = await engine.startSimulator({ nodes: 1, port: 0, profile: PROFILE });
  try {
    const output = join(dir, 'out');
    const quiet = () => {};
    const logger = { info: quiet, warning: quiet, error: quiet, debug: quiet, group: (_name, fn) => fn() };
    await engine.runNode(
      engine.parseConfigText(readFileSync(configPath, 'utf8'), configPath, {}),
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 1,
        timeoutSeconds: 120,
        outputDir: output,
        runId: 'accuracy',
      },
      { logger },
    );
    return { output, truth: new Map(simulator.requests().map((record) => [record.id, record])) };
  } finally {
    await simulator.close();
  }
}

async function oneRun(round) {
  const dir = tempDir('accuracy');
  const { path: configPath, stages } = shortenedConfig(dir);
  const { output, truth } = inProcess
    ? await runInProcess(dir, configPath)
    : await runSeparate(dir, configPath, stages);
  {
    const results = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8'));
    const records = readFileSync(join(output, 'requests.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const ttft = [];
    const e2e = [];
    const lastToken = [];
    const byStage = {};
    // The two legs of the TTFT error, from absolute times of the two processes (each process's
    // performance.timeOrigin comes from the wall clock at its start: good to tens of microseconds).
    const requestLeg = [];
    const responseLeg = [];
    const legs = [];
    let unmatched = 0;
    for (const r of records) {
      const t = r.response_id === undefined ? undefined : truth.get(r.response_id);
      if (!r.ok || !t || t.first_token_at_ms === null || r.first_token_at_ms === undefined) {
        unmatched++;
        continue;
      }
      const ttftError = r.first_token_at_ms - r.sent_at_ms - (t.first_token_at_ms - t.arrived_at_ms);
      const e2eError = r.ended_at_ms - r.sent_at_ms - (t.ended_at_ms - t.arrived_at_ms);
      lastToken.push(r.last_token_at_ms - r.sent_at_ms - (t.last_token_at_ms - t.arrived_at_ms));
      ttft.push(ttftError);
      requestLeg.push(t.arrived_at_ms - r.sent_at_ms);
      legs.push({
        stage: r.stage,
        index: r.index,
        request_leg_ms: t.arrived_at_ms - r.sent_at_ms,
        response_leg_ms: r.first_token_at_ms - t.first_token_at_ms,
        lag_ms: r.dispatched_at_ms - r.scheduled_at_ms,
      });
      responseLeg.push(r.first_token_at_ms - t.first_token_at_ms);
      e2e.push(e2eError);
      const stage = repeat > 1 ? r.stage.replace(/_r\d+$/, '') : r.stage;
      (byStage[stage] ??= { ttft: [], e2e: [] }).ttft.push(ttftError);
      byStage[stage].e2e.push(e2eError);
    }
    // The floor at the config's busiest cadence, as many round trips as requests.
    const floor = await floorRoundTrips(
      records.length,
      Math.min(...stages.map((s) => s.time_between_requests * 1000)),
    );
    return {
      round,
      requests: records.length,
      ok: records.filter((r) => r.ok).length,
      unmatched,
      verdict: results.verdict,
      event_loop_delay_p99_ms: results.validity?.event_loop_delay_p99_ms ?? null,
      dispatch_lag_ms: summary(records.map((r) => r.dispatched_at_ms - r.scheduled_at_ms)),
      // Where to look first when a figure is off: the three latest dispatches.
      worst_dispatch_lag: records
        .map((r) => ({ stage: r.stage, index: r.index, lag_ms: r.dispatched_at_ms - r.scheduled_at_ms }))
        .sort((a, b) => b.lag_ms - a.lag_ms)
        .slice(0, 3),
      // Where to look first when a TTFT error is off: the three slowest request legs.
      worst_request_legs: legs.sort((a, b) => b.request_leg_ms - a.request_leg_ms).slice(0, 3),
      ttft_error_ms: { ...summary(ttft), min: Math.min(...ttft) },
      e2e_error_ms: { ...summary(e2e), min: Math.min(...e2e) },
      last_token_error_ms: { ...summary(lastToken), min: Math.min(...lastToken) },
      ttft_request_leg_ms: summary(requestLeg),
      ttft_response_leg_ms: summary(responseLeg),
      error_by_stage_ms: Object.fromEntries(
        Object.entries(byStage).map(([s, v]) => [s, { ttft: summary(v.ttft), e2e: summary(v.e2e) }]),
      ),
      floor_rtt_ms: floor,
    };
  }
}

const samples = [];
for (let round = 0; round < runs; round++) {
  process.stderr.write(`accuracy: run ${round + 1}/${runs}…\n`);
  samples.push(await oneRun(round));
}
const med = (path) => median(samples.map((s) => path.split('.').reduce((v, k) => v?.[k], s)));
const f = (v) => (v === null ? 'n/a' : `${v.toFixed(3)} ms`);
const command = `node bench/accuracy.mjs --config ${flags.config ?? 'configs/bench_config.yaml'} --speedup ${speedup}${repeat > 1 ? ` --repeat ${repeat}` : ''} --runs ${runs}${inProcess ? ' --in-process' : ''}${pin ? ' --pin' : ''}`;
let table = `Accuracy vs ground truth${inProcess ? ' (engine and simulator in one process)' : ''}${pin ? ' (simulator on CPU 0, client on CPU 1)' : ''}, ${configFile.replace(REPO_ROOT, '')} with gaps ÷ ${speedup}, median of ${runs} runs (${samples[0]?.requests ?? 0} requests each)\n\n`;
table += '| figure | p50 | p99 | max | min |\n| --- | --- | --- | --- | --- |\n';
for (const [label, key] of [
  ['TTFT error (measured − truth)', 'ttft_error_ms'],
  ['E2E error (measured − truth)', 'e2e_error_ms'],
  ['last-token error (measured − truth)', 'last_token_error_ms'],
  ['  request leg (arrived − sent)', 'ttft_request_leg_ms'],
  ['  response leg (first token read − written)', 'ttft_response_leg_ms'],
  ['loopback round trip, bare Node (the floor)', 'floor_rtt_ms'],
  ['dispatch lag', 'dispatch_lag_ms'],
]) {
  table += `| ${label} | ${f(med(`${key}.p50`))} | ${f(med(`${key}.p99`))} | ${f(med(`${key}.max`))} | ${key.endsWith('error_ms') ? f(med(`${key}.min`)) : ''} |\n`;
}
table += `\nevent-loop delay p99 ${f(med('event_loop_delay_p99_ms'))}; verdicts ${samples.map((s) => s.verdict).join(', ')}; unmatched ${samples.map((s) => s.unmatched).join(', ')}\ncommand: ${command}\n`;
process.stderr.write(table);
emit({
  command,
  runs,
  speedup,
  repeat,
  ttft_error_ms: {
    p50: med('ttft_error_ms.p50'),
    p99: med('ttft_error_ms.p99'),
    max: med('ttft_error_ms.max'),
    min: med('ttft_error_ms.min'),
  },
  last_token_error_ms: { p50: med('last_token_error_ms.p50'), p99: med('last_token_error_ms.p99') },
  e2e_error_ms: {
    p50: med('e2e_error_ms.p50'),
    p99: med('e2e_error_ms.p99'),
    max: med('e2e_error_ms.max'),
    min: med('e2e_error_ms.min'),
  },
  floor_rtt_ms: { p50: med('floor_rtt_ms.p50'), p99: med('floor_rtt_ms.p99'), max: med('floor_rtt_ms.max') },
  samples,
});

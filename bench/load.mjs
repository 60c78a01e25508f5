/* global clearTimeout */
// One open-loop load run against the EXO simulator in its own process, driven either by the real engine
// (the CLI bundle, `node dist/cli/index.js --config … --api-url …`, exactly as users run it) or by the
// raw `net` client (the physical ceiling). Prints one JSON line of figures.
//
//   node bench/load.mjs --rate 1000 --open 5000 --token-rate 2 [--steady-seconds 3] [--client engine|raw]
//                       [--tokens N] [--cli dist/cli/index.js] [--hogs N] [--max-lag MS] [--dump FILE]
//
// The stage is sized so that `open` streams are in flight once the ramp is over: each request lasts
// open ÷ rate seconds (tokens ÷ token-rate, unless --tokens is given), and the stage runs that long plus
// `steady-seconds`. Figures labelled "steady" cover the requests scheduled after the ramp.
//
// Dispatch lag = dispatched_at_ms − scheduled_at_ms (the records' own fields). TTFT error = measured
// (first_token_at_ms − sent_at_ms) − the simulator's (first_token_at_ms − arrived_at_ms), matched by
// response id: durations, so the two processes' clocks need not agree.
//
// --dump FILE: also writes every matched request's timeline (JSON lines: scheduled, dispatched, sent, the
// server's arrived and first-token-written, first token read; all relative to the schedule's start, in ms)
// so the requests behind a p99 can be looked at one by one.
//
// --hogs N: N CPU-bound child processes (a busy loop each, bounded by the run's length) run beside the
// simulator and the client, as EXO or any server on the same host uses the CPU: the machine is busy.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CLI_BUNDLE,
  MODEL,
  REPO_ROOT,
  emit,
  groundTruthById,
  loadProfile,
  numberFlag,
  openAt,
  parseFlags,
  placeAndWait,
  startSimulator,
  summary,
  tempDir,
} from './lib/common.mjs';

const flags = parseFlags();
const rate = numberFlag(flags, 'rate', 1000);
const open = numberFlag(flags, 'open', 5000);
const tokenRate = numberFlag(flags, 'token-rate', 2);
const steadySeconds = numberFlag(flags, 'steady-seconds', 3);
const client = flags.client ?? 'engine';
const cli = resolve(flags.cli ?? CLI_BUNDLE);
const requestSeconds = open / rate;
const tokens = flags.tokens ? Number(flags.tokens) : Math.max(2, Math.round(requestSeconds * tokenRate));
// The per-stream decode rate that makes a request of `tokens` tokens last `requestSeconds`.
const decodeRate = flags.tokens ? tokenRate : tokens / requestSeconds;
const iterations = Math.round(rate * (requestSeconds + steadySeconds));
const prefillOverheadMs = numberFlag(flags, 'prefill-ms', 20);
const hogCount = numberFlag(flags, 'hogs', 0);
// The engine's validity bound (the config's max_dispatch_lag_p99_ms): 1,000 ms by default so that every run
// gives figures; `--max-lag 5` (the config default) says whether a user's run would be flagged invalid.
const maxLagMs = numberFlag(flags, 'max-lag', 1000);

const dir = tempDir('load');
const simulator = await startSimulator(
  loadProfile({ decodeTokensPerSecond: decodeRate, prefillOverheadMs }),
  { cli: CLI_BUNDLE },
);
let records;
let clientCpu;
let eventLoopDelayP99Ms = null;
// The engine's own client_cpu of results.json (its run, start to document; the figures above are the process's).
let engineCpu = null;
// …and its stage's (the schedule and the drain only: no start-up, config, cluster wait or reports).
let engineStageCpu = null;
let validity = null;
let clientErrors = 0;
const cpuReport = join(dir, 'cpu.json');
const hogs = startHogs(hogCount, (requestSeconds + steadySeconds) * 1000 + 120_000);
try {
  if (client === 'raw') {
    await placeAndWait(simulator.url);
    const out = join(dir, 'raw.json');
    await run([
      '--import',
      join(REPO_ROOT, 'bench/lib/cpu-report.mjs'),
      join(REPO_ROOT, 'bench/lib/raw-client.mjs'),
      simulator.url,
      String(rate),
      String(iterations),
      String(tokens),
      out,
    ]);
    const raw = JSON.parse(readFileSync(out, 'utf8'));
    clientErrors = raw.errors;
    // The raw client counts every `data:` event: the usage chunk and [DONE] are not tokens.
    records = raw.requests.map((r) => ({ ...r, token_chunks: Math.max(0, r.token_chunks - 2) }));
  } else {
    const configPath = join(dir, 'config.yaml');
    writeFileSync(
      configPath,
      JSON.stringify({
        hardware_plan: { BENCH: 1 },
        timeout_seconds: 60,
        model_ids: [MODEL],
        calibrate_prompts: false,
        snapshot_interval_seconds: 3600,
        request_timeout_seconds: 120,
        max_dispatch_lag_p99_ms: maxLagMs,
        stages: [
          {
            name: 'load',
            prompt_length: 20,
            generation_length: tokens,
            time_between_requests: 1 / rate,
            iterations,
          },
        ],
      }),
    );
    const output = join(dir, 'out');
    await run([
      '--import',
      join(REPO_ROOT, 'bench/lib/cpu-report.mjs'),
      cli,
      '--config',
      configPath,
      '--api-url',
      simulator.url,
      '--output',
      output,
    ]);
    const results = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8'));
    eventLoopDelayP99Ms = results.validity?.event_loop_delay_p99_ms ?? null;
    engineCpu = results.client_cpu ?? null;
    engineStageCpu = results.results?.stages?.[0]?.client_cpu ?? null;
    validity = results.validity ?? null;
    records = readFileSync(join(output, 'requests.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line));
    if (results.error) clientErrors += 1;
  }
  clientCpu = existsSync(cpuReport) ? JSON.parse(readFileSync(cpuReport, 'utf8')) : null;
  const truth = await groundTruthById(simulator.url);
  emit(figures(records, truth));
} finally {
  for (const hog of hogs) hog.kill('SIGKILL');
  await simulator.stop();
}

/** `count` busy-loop processes, each ending by itself after `maxMs` at the latest (killed before). */
function startHogs(count, maxMs) {
  return Array.from({ length: count }, () =>
    spawn(
      process.execPath,
      [
        '-e',
        `const end = Date.now() + ${Math.round(maxMs)}; let x = 0; while (Date.now() < end) x = (x + 1) | 0;`,
      ],
      { stdio: 'ignore' },
    ),
  );
}

function run(args) {
  return new Promise((resolvePromise, reject) => {
    // BENCH_CLIENT_NODE_ARGS: extra node flags for the client (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`);
    // BENCH_CLIENT_WRAPPER: a program that runs node with the arguments it is given (e.g. a script running
    // `strace -f -c -o FILE node "$@"`), in place of node.
    const extra = (process.env.BENCH_CLIENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.env.BENCH_CLIENT_WRAPPER ?? process.execPath, [...extra, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, BENCH_CPU_REPORT: cpuReport },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Bounded: the schedule, the longest request and two minutes of slack.
    const timer = setTimeout(() => child.kill('SIGKILL'), (requestSeconds + steadySeconds) * 1000 + 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      // The CLI exits 1 on an invalid or failed verdict; the figures are computed here either way.
      if (code === 0 || code === 1) resolvePromise();
      else reject(new Error(`${args.at(-1)} exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

function figures(all, truth) {
  const startMs = Math.min(...all.map((r) => r.scheduled_at_ms));
  const steadyFromMs = startMs + requestSeconds * 1000;
  const lag = (list) => summary(list.map((r) => r.dispatched_at_ms - r.scheduled_at_ms));
  const steady = all.filter((r) => r.scheduled_at_ms >= steadyFromMs);
  const intervals = all.map((r) => [r.sent_at_ms, r.ended_at_ms]);
  const openAtDispatch = openAt(
    intervals,
    steady.map((r) => r.dispatched_at_ms),
  );
  const ttftErrors = [];
  const ttftErrorsSteady = [];
  // The two legs of the TTFT error, from absolute times of two processes (performance.timeOrigin of each
  // is read from the wall clock at start, so these are good to some tens of microseconds, not exact).
  const requestLeg = [];
  const responseLeg = [];
  let matched = 0;
  const timelines = [];
  // The request whose request leg was longest (where in the schedule it fell, and its connect time).
  let worstRequestLeg = null;
  for (const r of all) {
    if (r.first_token_at_ms === undefined || r.response_id === undefined) continue;
    const t = truth.get(r.response_id);
    if (!t || t.first_token_at_ms === null) continue;
    matched++;
    const error = r.first_token_at_ms - r.sent_at_ms - (t.first_token_at_ms - t.arrived_at_ms);
    ttftErrors.push(error);
    requestLeg.push(t.arrived_at_ms - r.sent_at_ms);
    if (!worstRequestLeg || t.arrived_at_ms - r.sent_at_ms > worstRequestLeg.ms)
      worstRequestLeg = {
        ms: t.arrived_at_ms - r.sent_at_ms,
        index: r.index ?? null,
        scheduled_offset_ms: r.scheduled_at_ms - startMs,
        connect_ms: r.sent_at_ms - r.dispatched_at_ms,
      };
    responseLeg.push(r.first_token_at_ms - t.first_token_at_ms);
    if (flags.dump)
      timelines.push({
        steady: r.scheduled_at_ms >= steadyFromMs,
        scheduled: r.scheduled_at_ms - startMs,
        lag: r.dispatched_at_ms - r.scheduled_at_ms,
        connect: r.sent_at_ms - r.dispatched_at_ms,
        request_leg: t.arrived_at_ms - r.sent_at_ms,
        server_ttft: t.first_token_at_ms - t.arrived_at_ms,
        response_leg: r.first_token_at_ms - t.first_token_at_ms,
        error: error,
      });
    if (r.scheduled_at_ms >= steadyFromMs) ttftErrorsSteady.push(error);
  }
  if (flags.dump) writeFileSync(flags.dump, timelines.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const ok = all.filter((r) => r.ok).length;
  const tokenEvents = all.reduce((sum, r) => sum + (r.token_chunks ?? 0), 0);
  const windowS = (Math.max(...all.map((r) => r.ended_at_ms)) - startMs) / 1000;
  const cpuS = clientCpu ? (clientCpu.cpu_user_us + clientCpu.cpu_system_us) / 1e6 : null;
  return {
    client,
    rate,
    open_target: open,
    tokens_per_request: tokens,
    decode_tokens_per_second: decodeRate,
    requests: all.length,
    ok,
    failed: all.length - ok,
    client_errors: clientErrors,
    dispatch_lag_ms: lag(all),
    dispatch_lag_steady_ms: lag(steady),
    open_streams_at_dispatch_steady: summary(openAtDispatch),
    connect_ms: summary(all.map((r) => r.sent_at_ms - r.dispatched_at_ms)),
    ttft_error_ms: summary(ttftErrors),
    ttft_error_steady_ms: summary(ttftErrorsSteady),
    ttft_abs_error_steady_ms: summary(ttftErrorsSteady.map(Math.abs)),
    ttft_request_leg_ms: summary(requestLeg),
    ttft_response_leg_ms: summary(responseLeg),
    ttft_request_leg_worst: worstRequestLeg,
    ttft_matched: matched,
    event_loop_delay_p99_ms: eventLoopDelayP99Ms,
    token_events: tokenEvents,
    token_events_per_second: tokenEvents / windowS,
    client_cpu_seconds: cpuS,
    client_cpu_share: cpuS === null ? null : cpuS / windowS,
    client_cpu_seconds_per_1000_requests: cpuS === null ? null : (cpuS * 1000) / all.length,
    hogs: hogCount,
    engine_results_client_cpu: engineCpu,
    engine_stage_client_cpu: engineStageCpu,
    // The engine's own verdict on its load generator at --max-lag (valid / invalid / inconclusive).
    validity_status: validity ? (validity.status ?? (validity.valid ? 'valid' : 'invalid')) : null,
    validity_reasons: validity?.reasons ?? null,
    token_events_per_client_cpu_second: cpuS ? tokenEvents / cpuS : null,
    client_max_rss_kb: clientCpu?.max_rss_kb ?? null,
    window_seconds: windowS,
  };
}

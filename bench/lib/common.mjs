/* global clearTimeout, fetch, performance */
// Shared plumbing of the bench scripts: flags, the simulator in its own process, HTTP helpers against
// 127.0.0.1, statistics. Every loop here is bounded; every server is one we started.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BUNDLE = join(REPO_ROOT, 'dist', 'cli', 'index.js');
export const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

/** Epoch ms with sub-ms precision, the formula of src/util/clock.ts (comparable across processes). */
export const preciseNowMs = () => performance.timeOrigin + performance.now();

/** `--name value` flags; `--name` alone is `true`. */
export function parseFlags(argv = process.argv.slice(2)) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags[arg.slice(2)] = true;
    else {
      flags[arg.slice(2)] = next;
      i++;
    }
  }
  return flags;
}

export function numberFlag(flags, name, fallback) {
  return flags[name] === undefined ? fallback : Number(flags[name]);
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `exo-bench-${prefix}-`));
}

/** Simulator profile fields that make placement and loading near-instant (timing model untouched). */
export const FAST_LOADING = {
  runnerIdleMs: 5,
  runnerConnectMs: 5,
  loadDurationMs: 50,
  runnerLoadedMs: 5,
  warmupMs: 5,
  placementDelayMs: 1,
  deleteDelayMs: 1,
  shutdownMs: 5,
};

/** A simulator profile fit for load benchmarks: instant placement, a batch as large as the load. */
export function loadProfile(overrides = {}) {
  return {
    ...FAST_LOADING,
    heartbeatIntervalMs: 1000,
    maxConcurrentRequests: 50_000,
    decodeSlowdownPerExtraStream: 0,
    prefillTokensPerSecond: 100_000,
    prefillOverheadMs: 20,
    prefillProgressChunkTokens: 0,
    groundTruthCapacity: 500_000,
    ...overrides,
  };
}

/**
 * A command line run on one CPU (`taskset -c CPU …`, Linux) when `cpu` is set, else as it is: returns
 * spawn's (command, args).
 */
export function pinned(cpu, [command, ...args]) {
  if (cpu === undefined) return [command, args];
  if (process.platform !== 'linux') throw new Error('pinning to a CPU needs Linux (taskset)');
  return ['taskset', ['-c', String(cpu), command, ...args]];
}

/**
 * Starts `node dist/cli/index.js simulate` in its own process (so its event loop never shares time with
 * the client's) and resolves with its first node's URL.
 */
export async function startSimulator(profile, { cli = CLI_BUNDLE, flavor, nodes = 1, cpu } = {}) {
  if (!existsSync(cli)) throw new Error(`no CLI bundle at ${cli}: run \`npm run build\` first`);
  const dir = tempDir('sim');
  const profilePath = join(dir, 'profile.json');
  writeFileSync(profilePath, JSON.stringify(profile));
  const args = [cli, 'simulate', '--nodes', String(nodes), '--port', '0', '--profile', profilePath];
  if (flavor) args.push('--flavor', flavor);
  // BENCH_SIMULATOR_NODE_ARGS: extra node flags for the simulator (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
  const extra = (process.env.BENCH_SIMULATOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(...pinned(cpu, [process.execPath, ...extra, ...args]), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const line = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${stderr}`));
    });
  });
  const url = JSON.parse(line).nodes[0].url.replace(/\/+$/, '');
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

export async function getJson(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status}`);
  return response.json();
}

/** Places MODEL on the simulator and waits (bounded) until its runner is ready. */
export async function placeAndWait(url) {
  await getJson(`${url}/place_instance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model_id: MODEL }),
  });
  for (let i = 0; i < 1000; i++) {
    const runners = await getJson(`${url}/state/runners`);
    if (Object.values(runners).some((runner) => 'RunnerReady' in runner)) return;
    await sleep(10);
  }
  throw new Error('the simulated runner never became ready');
}

/** The simulator's ground truth, by response id (EXO: the command id the chunks carry). */
export async function groundTruthById(url) {
  const records = await getJson(`${url}/_simulator/requests`);
  const byId = new Map();
  for (const record of records) byId.set(record.id, record);
  return byId;
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function ascending(values) {
  return Float64Array.from(values).sort();
}

/** p50/p99/max of a list (ms). */
export function summary(values) {
  const sorted = ascending(values);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

export function median(values) {
  const finite = values.filter((value) => typeof value === 'number' && Number.isFinite(value));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * For each start time (ascending input not required), how many intervals [start, end) were open at
 * that moment: the streams a request had for company when it was sent.
 */
export function openAt(intervals, times) {
  const starts = ascending(intervals.map((i) => i[0]));
  const ends = ascending(intervals.map((i) => i[1]));
  const upperBound = (sorted, value) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return times.map((t) => upperBound(starts, t) - upperBound(ends, t));
}

/** Prints one JSON line on stdout: how a bench child hands its figures to bench/run.mjs. */
export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

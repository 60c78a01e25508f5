// Issue #14: does reading /state for the cluster snapshots show up in the TTFT the run measures?
//
// Real EXO serialises its whole state for every /state (and /state/<path>) read, in the process that
// relays the tokens of the node's API (exo-api.md §12.4), and the state grows during a run: tasks of
// clients that went away stay, prompts included (§12.5). The simulator models both: a /state read
// keeps the serving node busy for stateCostFixedMs + stateCostMsPerMiB × size, and that node's token
// writes wait meanwhile. This bench grows the state to --state-mib MiB with cancelled tasks, then runs
// one open-loop stage against node 0 of a 2-node simulator (its own process) with the engine in this
// process, in four variants interleaved per round:
//
//   off-a, off-b  snapshot_interval_seconds 86400: one snapshot at the start, none during the stage
//   new           the defaults: every snapshot_interval_seconds (config default) from the OTHER node
//   self          the defaults when no other node can be read (a 1-node cluster): the serving node,
//                 at most once per SERVING_NODE_MIN_POLL_SECONDS (10 s)
//   old           what exo-bench did before: every 2 s, from the node that serves the load
//
// Noise is judged from the two identical "off" variants: the effect of a variant is within noise when
// its median TTFT p50 and p99 differ from off's by no more than off-a and off-b differ from each other
// (largest such difference over the rounds).
//
// Usage: node bench/state-polling.mjs [--rounds 3] [--state-mib 2] [--rate 10] [--requests 100]
/* global AbortController, fetch */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundle } from './lib/bundle.mjs';
import {
  FAST_LOADING,
  MODEL,
  emit,
  median,
  numberFlag,
  parseFlags,
  percentile,
  ascending,
  startSimulator,
  tempDir,
} from './lib/common.mjs';

const flags = parseFlags();
const rounds = numberFlag(flags, 'rounds', 3);
const stateMiB = numberFlag(flags, 'state-mib', 2);
const rate = numberFlag(flags, 'rate', 10);
const requests = numberFlag(flags, 'requests', 100);

const engine = await loadBundle('bench/accuracy-entry.ts');

/** A model of its own for the cancelled tasks, so they never share an instance with the load. */
const FILLER_MODEL = 'mlx-community/Qwen3-0.6B-4bit';

/**
 * Cancelled tasks with ~64 KiB prompts until the state holds `mib` MiB (§12.5: a client that goes away
 * leaves its task, prompt included): streams to an instance of FILLER_MODEL, opened then dropped.
 */
async function growState(url, mib) {
  await fetch(`${url}/place_instance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model_id: FILLER_MODEL, min_nodes: 1 }),
  }).then((r) => r.arrayBuffer());
  for (let i = 0; ; i++) {
    const runners = await (await fetch(`${url}/state/runners`)).json();
    if (Object.values(runners).some((runner) => 'RunnerReady' in runner)) break;
    if (i > 2000) throw new Error('the filler instance never became ready');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const prompt = 'lorem ipsum dolor sit amet '.repeat(2427); // ~64 KiB
  const count = Math.ceil((mib * 1024) / 64);
  for (let i = 0; i < count; i++) {
    const controller = new AbortController();
    const response = await fetch(`${url}/bench/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: FILLER_MODEL,
        messages: [{ role: 'user', content: `${i} ${prompt}` }],
        max_tokens: 1,
        stream: true,
      }),
      signal: controller.signal,
    });
    if (response.status !== 200) throw new Error(`filler request: HTTP ${response.status}`);
    const reader = response.body.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => undefined);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  return (await (await fetch(`${url}/state`)).text()).length / 1024 / 1024;
}

function configText(interval) {
  return `
hardware_plan: { sim: 2 }
timeout_seconds: 60
model_ids: ['${MODEL}']
endpoint: bench
calibrate_prompts: false
${interval === undefined ? '' : `snapshot_interval_seconds: ${interval}`}
stages:
  - { name: load, prompt_length: 64, generation_length: 30, time_between_requests: ${1 / rate}, iterations: ${requests} }
`;
}

const VARIANTS = {
  'off-a': { interval: 86_400, statePollNode: 'auto' },
  'off-b': { interval: 86_400, statePollNode: 'auto' },
  new: { interval: undefined, statePollNode: 'auto' },
  self: { interval: undefined, statePollNode: 'self' },
  old: { interval: 2, statePollNode: 'self', servingNodeMinPollSeconds: 0 },
};

async function runVariant(name, dir) {
  const variant = VARIANTS[name];
  const simulator = await startSimulator(
    {
      ...FAST_LOADING,
      // Links, backends and elections at once, models on disk: this bench is about the stage.
      probeIntervalMs: 0,
      nodeNetworkDelayMs: 0,
      nodeBackendsDelayMs: 0,
      electionMs: 0,
      modelsOnDisk: true,
      maxConcurrentRequests: 64,
      decodeTokensPerSecond: 100,
    },
    { nodes: 2 },
  );
  try {
    const grownMiB = await growState(simulator.url, stateMiB);
    const output = join(dir, name);
    mkdirSync(output, { recursive: true });
    const quiet = () => {};
    const logger = { info: quiet, warning: quiet, error: quiet, debug: quiet, group: (_n, fn) => fn() };
    const outcome = await engine.runNode(
      engine.parseConfigText(configText(variant.interval), `${name}.yaml`, {}),
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 2,
        timeoutSeconds: 60,
        outputDir: output,
        runId: `poll-${name}`,
        statePollNode: variant.statePollNode,
        ...(variant.servingNodeMinPollSeconds === undefined
          ? {}
          : { servingNodeMinPollSeconds: variant.servingNodeMinPollSeconds }),
      },
      { logger },
    );
    const document = JSON.parse(readFileSync(outcome.resultsPath, 'utf8'));
    if (document.verdict === 'error') throw new Error(`${name}: ${document.error.message}`);
    const ttft = ascending(
      readFileSync(outcome.requestsPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((r) => r.ok && r.first_token_at_ms !== undefined)
        .map((r) => r.first_token_at_ms - r.sent_at_ms),
    );
    const polling = document.cluster.state_polling;
    return {
      state_mib: grownMiB,
      ttft_p50_ms: percentile(ttft, 50),
      ttft_p99_ms: percentile(ttft, 99),
      polls: polling?.requests ?? 0,
      polled_serving_node: polling?.serves_load ?? null,
      interval_s: polling?.interval_seconds ?? null,
    };
  } finally {
    await simulator.stop();
  }
}

const samples = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));
const dir = tempDir('state-polling');
for (let round = 0; round < rounds; round++) {
  // Rotate the order so no variant always runs first (a cold machine) or last.
  const names = Object.keys(VARIANTS);
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) samples[name].push(await runVariant(name, join(dir, `r${round}`)));
}

const med = (name, key) => median(samples[name].map((s) => s[key]));
const noise = {
  p50: Math.max(...samples['off-a'].map((s, i) => Math.abs(s.ttft_p50_ms - samples['off-b'][i].ttft_p50_ms))),
  p99: Math.max(...samples['off-a'].map((s, i) => Math.abs(s.ttft_p99_ms - samples['off-b'][i].ttft_p99_ms))),
};
const off = { p50: med('off-a', 'ttft_p50_ms'), p99: med('off-a', 'ttft_p99_ms') };
const rows = Object.keys(VARIANTS).map((name) => {
  const p50 = med(name, 'ttft_p50_ms');
  const p99 = med(name, 'ttft_p99_ms');
  return {
    variant: name,
    interval_s: samples[name][0].interval_s,
    polled_serving_node: samples[name][0].polled_serving_node,
    polls: med(name, 'polls'),
    state_mib: Number(med(name, 'state_mib').toFixed(2)),
    ttft_p50_ms: Number(p50.toFixed(2)),
    ttft_p99_ms: Number(p99.toFixed(2)),
    within_noise: Math.abs(p50 - off.p50) <= noise.p50 && Math.abs(p99 - off.p99) <= noise.p99,
  };
});

console.log(
  `\nTTFT with cluster snapshots polling /state (medians of ${rounds} rounds; ${requests} requests at ${rate}/s; noise = largest off-a vs off-b difference: p50 ${noise.p50.toFixed(2)} ms, p99 ${noise.p99.toFixed(2)} ms)\n`,
);
console.log(
  '| variant | interval (s) | polls the serving node | polls | state (MiB) | TTFT p50 (ms) | TTFT p99 (ms) | within noise of off |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows)
  console.log(
    `| ${row.variant} | ${row.interval_s ?? '—'} | ${row.polled_serving_node} | ${row.polls} | ${row.state_mib} | ${row.ttft_p50_ms} | ${row.ttft_p99_ms} | ${row.variant.startsWith('off') ? '—' : row.within_noise ? 'yes' : 'no'} |`,
  );
writeFileSync(join(dir, 'samples.json'), JSON.stringify(samples, null, 2));
emit({ bench: 'state-polling', rounds, state_mib: stateMiB, rate, requests, noise, rows });

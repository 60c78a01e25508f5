// Cold start: from spawning `node <bundle>` to the first HTTP request it sends, for the action's main
// bundle (dist/main/index.js, inputs through INPUT_* variables as the runner passes them) and the CLI
// bundle, next to a bare `node -e "fetch(…)"` measured in the same run: their difference is the cost of
// loading our bundle and reaching the first request. The server is a stub on 127.0.0.1 that records when
// the first request arrives and answers 503; the process is killed right after.
//
//   node bench/cold-start.mjs [--runs 7]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT, emit, median, numberFlag, parseFlags, preciseNowMs, tempDir } from './lib/common.mjs';

const flags = parseFlags();
const runs = numberFlag(flags, 'runs', 7);

let onFirstRequest = null;
const server = createServer((req, res) => {
  const atMs = preciseNowMs();
  onFirstRequest?.(atMs, req.url);
  onFirstRequest = null;
  res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
  res.end('{"detail":"cold-start stub"}');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const apiUrl = `http://127.0.0.1:${server.address().port}`;

const dir = tempDir('cold');
const configPath = join(dir, 'bench.yaml');
writeFileSync(
  configPath,
  JSON.stringify({
    hardware_plan: { BENCH: 1 },
    timeout_seconds: 5,
    model_ids: ['mlx-community/Llama-3.2-1B-Instruct-4bit'],
    stages: [
      { name: 's', prompt_length: 20, generation_length: 10, time_between_requests: 1, iterations: 1 },
    ],
  }),
);
for (const name of ['output', 'summary', 'state', 'env', 'path']) writeFileSync(join(dir, name), '');

const variants = {
  'node -e fetch (baseline)': {
    args: ['-e', `fetch(${JSON.stringify(`${apiUrl}/node_id`)}).catch(() => {})`],
  },
  'action (dist/main/index.js)': {
    args: [join(REPO_ROOT, 'dist/main/index.js')],
    env: {
      INPUT_MODE: 'node',
      'INPUT_CONFIG-FILE': configPath,
      'INPUT_API-URL': apiUrl,
      'INPUT_UPLOAD-ARTIFACT': 'false',
      'INPUT_OUTPUT-DIR': join(dir, 'results'),
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_STATE: join(dir, 'state'),
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_PATH: join(dir, 'path'),
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir,
    },
  },
  'CLI (dist/cli/index.js)': {
    args: [
      join(REPO_ROOT, 'dist/cli/index.js'),
      '--config',
      configPath,
      '--api-url',
      apiUrl,
      '--output',
      join(dir, 'cli'),
    ],
  },
};

async function once({ args, env }) {
  const firstRequest = new Promise((resolve) => (onFirstRequest = (atMs, url) => resolve({ atMs, url })));
  const spawnedAtMs = preciseNowMs();
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 15_000));
  const first = await Promise.race([firstRequest, timeout]);
  child.kill('SIGKILL');
  await exited;
  onFirstRequest = null;
  return first ? { ms: first.atMs - spawnedAtMs, path: first.url } : { ms: null, path: null };
}

const results = {};
for (const name of Object.keys(variants)) results[name] = [];
// Interleaved, so a noisy stretch of the machine hits every variant alike.
for (let run = 0; run < runs; run++) {
  for (const [name, variant] of Object.entries(variants)) results[name].push(await once(variant));
}
server.close();
const baseline = median(results['node -e fetch (baseline)'].map((r) => r.ms));
const out = { runs, node_baseline_ms: baseline, variants: {} };
for (const [name, samples] of Object.entries(results)) {
  const spawnToRequest = median(samples.map((r) => r.ms));
  out.variants[name] = {
    spawn_to_first_request_ms: spawnToRequest,
    bundle_load_to_first_request_ms: spawnToRequest === null ? null : spawnToRequest - baseline,
    first_request: samples[0]?.path,
    samples_ms: samples.map((r) => r.ms),
  };
}
emit(out);

// Verdicts of `npm run demo` on a loaded machine: runs the demo (the CLI bundle, --simulate, the
// one-request configs/bench_simple.yaml) N times while CPU-bound processes keep the cores busy, and
// counts the verdicts, with the first request's dispatch lag and the validity gate's status of each run.
// A one-request run cannot judge a p99: it must never end `invalid` for its one late request.
//
//   node bench/demo-verdicts.mjs [--runs 20] [--burners 1] [--cli dist/cli/index.js]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLI_BUNDLE, REPO_ROOT, emit, numberFlag, parseFlags, tempDir } from './lib/common.mjs';

const flags = parseFlags();
const runs = numberFlag(flags, 'runs', 20);
const burnerCount = numberFlag(flags, 'burners', 1);
const cli = typeof flags.cli === 'string' ? resolve(REPO_ROOT, flags.cli) : CLI_BUNDLE;

// A CPU-bound process per burner: a busy loop, killed (by its pid) when the runs are over.
const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const verdicts = {};
const rows = [];
try {
  for (let run = 1; run <= runs; run++) {
    const output = tempDir('demo');
    const result = spawnSync(
      process.execPath,
      [cli, '--simulate', '--config', join(REPO_ROOT, 'configs', 'bench_simple.yaml'), '--output', output],
      { encoding: 'utf8', timeout: 120_000 },
    );
    let document;
    try {
      document = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8'));
    } catch {
      document = undefined;
    }
    const verdict = document?.verdict ?? `no results (exit ${result.status})`;
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
    const lag = document?.results?.stages?.[0]?.dispatch_lag_ms?.max;
    rows.push({
      run,
      exit: result.status,
      verdict,
      validity: document?.validity?.status ?? (document?.validity?.valid ? 'valid' : 'invalid'),
      first_request_dispatch_lag_ms: lag === undefined ? null : Number(lag.toFixed(3)),
      event_loop_delay_p99_ms: document?.validity?.event_loop_delay_p99_ms ?? null,
    });
    process.stderr.write(`run ${run}/${runs}: ${verdict}, dispatch lag ${lag?.toFixed(3) ?? '–'} ms\n`);
  }
} finally {
  for (const burner of burners) burner.kill('SIGKILL');
}
emit({
  bench: 'demo-verdicts',
  command: `node bench/demo-verdicts.mjs --runs ${runs} --burners ${burnerCount}`,
  burners: burnerCount,
  runs,
  verdicts,
  rows,
});

// Issue #14's repeat: the realistic 4-node cluster flow of __tests__/e2e/real-cluster.test.ts (the
// action's plan job and four node jobs as separate processes, each starting its simulated Mac with
// $EXO_BENCH_EXO_ARGS; links after 10 s probe rounds, 3 s elections, models downloaded at 100 MB/s)
// --runs times in a row, each with fresh models dirs, then once more on the last run's dirs. Prints one
// row per run and the count of runs that placed one instance across all four nodes.
//
// Usage: npm run build && node bench/real-cluster.mjs [--runs 20]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, emit, numberFlag, parseFlags, tempDir } from './lib/common.mjs';

const runs = numberFlag(parseFlags(), 'runs', 20);
const report = join(tempDir('real-cluster'), 'facts.json');
const started = Date.now();
const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    join(REPO_ROOT, 'node_modules/jest/bin/jest.js'),
    '__tests__/e2e/real-cluster.test.ts',
  ],
  {
    cwd: REPO_ROOT,
    env: { ...process.env, EXO_BENCH_REAL_CLUSTER_RUNS: String(runs), EXO_BENCH_REAL_CLUSTER_REPORT: report },
    encoding: 'utf8',
    // Bounded: about 25 s a run on this machine; twice that, plus a margin, before giving up.
    timeout: (runs + 1) * 60_000 + 120_000,
  },
);
let facts = [];
try {
  facts = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error(jest.stdout, jest.stderr);
  throw new Error('the test wrote no report');
}
console.log(`\nRealistic 4-node cluster, ${runs} runs with fresh models dirs + 1 on the last run's dirs\n`);
console.log(
  '| run | seconds | verdicts (primary, secondaries) | nodes placed | all 4 nodes | downloaded (MB) | download (s) | snapshots polled the serving node |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const f of facts)
  console.log(
    `| ${f.run} | ${f.seconds} | ${f.verdicts.join(', ')} | ${f.placed_nodes} | ${f.all_nodes_placed ? 'yes' : 'NO'} | ${Math.round(f.downloaded_bytes / 1e6)} | ${f.download_seconds} | ${f.polled_serving_node} |`,
  );
const fresh = facts.filter((f) => f.run !== 'again');
const placed = fresh.filter((f) => f.all_nodes_placed).length;
const again = facts.find((f) => f.run === 'again');
console.log(
  `\n${placed} of ${fresh.length} runs placed one instance across all four nodes; the run on the same models dirs downloaded ${again ? `${Math.round(again.downloaded_bytes / 1e6)} MB` : '(did not run)'}; jest exit ${jest.status}; ${Math.round((Date.now() - started) / 1000)} s.`,
);
emit({
  bench: 'real-cluster',
  runs: fresh.length,
  placed_all_four: placed,
  again_downloaded_bytes: again?.downloaded_bytes ?? null,
  jest_exit: jest.status,
});
process.exitCode = jest.status === 0 && placed === runs ? 0 : 1;

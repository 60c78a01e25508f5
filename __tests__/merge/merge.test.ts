/**
 * `exo-bench merge --output DIR NODE_DIR...`: the result folders of a 3-node run (one primary, two
 * secondaries, run in-process against the simulator over real sockets) merged into one result. Every
 * request is counted once, the figures are recomputed from the records (TTFT percentiles checked
 * against an independent computation over the concatenated requests.jsonl files), and bad input says
 * what to fix.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { runNode } from '../../src/run/benchmark.js';
import { runCli } from '../../src/cli/run.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { ResultsDocument } from '../../src/results/document.js';
import { resultsSchema } from '../helpers/results-schema.js';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';
import { linearPercentile } from '../helpers/merge-checks.js';

const CONFIG = `
hardware_plan: { M3ULTRA: 2, M4PRO: 1 }
timeout_seconds: 20
snapshot_interval_seconds: 0.2
# Several runs share two cores here; lateness of the load generator is not under test.
max_dispatch_lag_p99_ms: 1000
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: warm, prompt_length: 16, generation_length: 4, time_between_requests: 0.01, iterations: 3, warmup: true }
  - { name: first, prompt_length: 32, generation_length: 8, time_between_requests: 0.01, iterations: 12, warmup_requests: 1 }
  - { name: second, prompt_length: 48, generation_length: 6, time_between_requests: 0.005, iterations: 9 }
`;

const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(resultsSchema);

function capture(): { text(): string; streams: { stdout(t: string): void; stderr(t: string): void } } {
  const lines: string[] = [];
  return {
    text: () => lines.join(''),
    streams: { stdout: (t) => void lines.push(t), stderr: (t) => void lines.push(t) },
  };
}

async function merge(args: string[]): Promise<{ code: number; output: string }> {
  const out = capture();
  const code = await runCli(['merge', ...args], out.streams, {});
  return { code, output: out.text() };
}

const readJson = (path: string): ResultsDocument => JSON.parse(readFileSync(path, 'utf8')) as ResultsDocument;
const readLines = (path: string): Array<RequestRecord & { node?: string }> =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestRecord & { node?: string });

describe('exo-bench merge of a 3-node run', () => {
  let root: string;
  const nodeDirs: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'exo-bench-merge-'));
    const simulator = await startSimulator({ nodes: 3, seed: 11, profile: { ...FAST_TEST_PROFILE } });
    try {
      const loaded = parseConfigText(CONFIG, 'merge.yaml', {});
      const plan = buildPlan(loaded.config).include;
      nodeDirs.push(...plan.map((entry) => join(root, `node-${entry.label}-${entry.index}`)));
      const outcomes = await Promise.all(
        plan.map((entry, i) =>
          runNode(
            loaded,
            {
              apiUrl: simulator.nodes[i]?.url ?? '',
              isPrimary: entry.is_primary,
              expectedNodes: 3,
              timeoutSeconds: 20,
              outputDir: nodeDirs[i] as string,
              runId: 'merge-test',
              pollIntervalMs: 20,
              hardwareLabel: entry.label,
              nodeIndex: entry.index,
            },
            { logger: new MemoryLogger() },
          ),
        ),
      );
      for (const outcome of outcomes)
        expect([outcome.document.error, outcome.verdict === 'error']).toEqual([null, false]);
    } finally {
      await simulator.close();
    }
  }, 60_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  describe('the three folders merged', () => {
    let outDir: string;
    let result: { code: number; output: string };
    let merged: ResultsDocument;
    let primary: ResultsDocument;
    let mergedLines: Array<RequestRecord & { node?: string }>;
    let nodeLines: Array<Array<RequestRecord & { node?: string }>>;

    beforeAll(async () => {
      outDir = join(root, 'merged');
      // Given out of matrix order: the merge puts the primary first all the same.
      result = await merge([
        '--output',
        outDir,
        nodeDirs[2] as string,
        nodeDirs[0] as string,
        nodeDirs[1] as string,
      ]);
      merged = readJson(join(outDir, 'results.json'));
      primary = readJson(join(nodeDirs[0] as string, 'results.json'));
      mergedLines = readLines(join(outDir, 'requests.jsonl'));
      nodeLines = nodeDirs.map((dir) => readLines(join(dir, 'requests.jsonl')));
    });

    it('exits with the verdict of the primary, which it reproduces', () => {
      expect([merged.verdict, result.code]).toEqual([primary.verdict, primary.verdict === 'pass' ? 0 : 1]);
      expect(result.output).toContain(`verdict: ${merged.verdict}`);
      expect(merged.error).toBeNull();
    });

    it('counts every request of every node exactly once, each with its node', () => {
      const total = nodeLines.reduce((sum, lines) => sum + lines.length, 0);
      expect(total).toBe(3 + 12 + 9);
      expect(mergedLines).toHaveLength(total);
      expect(merged.merge?.requests).toBe(total);
      const identities = mergedLines.map((r) => `${r.node}/${r.stage}/${r.index}`);
      expect(new Set(identities).size).toBe(total);
      expect(mergedLines.every((r) => r.node === 'M3ULTRA#0')).toBe(true);
      // The primary sent the load; the secondaries only waited.
      expect(nodeLines.map((lines) => lines.length)).toEqual([total, 0, 0]);
    });

    it("gives the primary's figures: run and stage statistics recomputed from the records are the same", () => {
      expect(merged.results.run).toEqual(primary.results.run);
      expect(merged.results.run_stages).toEqual(['first', 'second']);
      expect(merged.results.stages.map((s) => s.name)).toEqual(['warm', 'first', 'second']);
      for (const [i, stage] of merged.results.stages.entries())
        expect(stage).toEqual(primary.results.stages[i]);
      expect(merged.thresholds).toEqual(primary.thresholds);
    });

    it('has TTFT percentiles equal to those computed from the concatenated requests.jsonl files', () => {
      const ttfts = nodeLines
        .flat()
        .filter((r) => r.stage !== 'warm' && !r.warmup && r.ok && r.first_token_at_ms !== undefined)
        .map((r) => (r.first_token_at_ms as number) - r.sent_at_ms);
      expect(ttfts).toHaveLength(merged.results.run?.successful_requests ?? -1);
      expect(merged.results.run?.ttft_ms.p50).toBeCloseTo(linearPercentile(ttfts, 50), 9);
      expect(merged.results.run?.ttft_ms.p95).toBeCloseTo(linearPercentile(ttfts, 95), 9);
    });

    it('describes every node: role, verdict, requests, TTFT and memory', () => {
      const nodes = merged.merge?.nodes ?? [];
      expect(nodes.map((n) => [n.node, n.is_primary, n.source])).toEqual([
        ['M3ULTRA#0', true, nodeDirs[0]],
        ['M3ULTRA#1', false, nodeDirs[1]],
        ['M4PRO#0', false, nodeDirs[2]],
      ]);
      const [first, ...others] = nodes;
      expect(first?.requests).toBe(merged.results.run?.total_requests);
      expect(first?.ttft_p95_ms).toBe(merged.results.run?.ttft_ms.p95);
      for (const node of others)
        expect([node.requests, node.ttft_p50_ms, node.verdict]).toEqual([0, null, 'pass']);
      for (const node of nodes) {
        expect(node.node_id).toEqual(expect.any(String));
        expect(node.ram_total_bytes).toBeGreaterThan(0);
      }
      expect(merged.merge?.missing_nodes).toEqual([]);
      expect(merged.merge?.problems).toEqual([]);
    });

    it('writes a document valid against the results schema, and a summary and report for the whole run', () => {
      expect(validate(merged) ? [] : validate.errors).toEqual([]);
      const summary = readFileSync(join(outDir, 'summary.md'), 'utf8');
      expect(summary).toContain('merged run of 3 nodes');
      expect(summary).toContain('### Nodes');
      // `#` is escaped in Markdown (`\#` renders as `#`).
      expect(summary).toMatch(/\| M3ULTRA\\#0 \(primary\) \| pass \| \d+ \| \d+ \|/);
      expect(summary).toMatch(/\| M4PRO\\#0 \| pass \| 0 \| 0 \| – \|/);
      expect(summary).toContain('### Stages');
      const html = readFileSync(join(outDir, 'report.html'), 'utf8');
      expect(html).toContain('<h2>Nodes</h2>');
      expect(html).toContain('merged run of 3 node(s)');
    });

    it('compares with a baseline on the merged records', async () => {
      const again = await merge([
        '--output',
        join(root, 'merged-baseline'),
        '--baseline',
        join(outDir, 'results.json'),
        ...nodeDirs,
      ]);
      const document = readJson(join(root, 'merged-baseline', 'results.json'));
      expect(document.comparison?.comparable).toBe(true);
      expect(document.comparison?.regressions).toBe(0);
      expect(again.code).toBe(document.verdict === 'pass' ? 0 : 1);
    });
  });

  describe('a node missing or failed: a merged result all the same, verdict error', () => {
    it('names the missing node of the matrix', async () => {
      const out = join(root, 'missing');
      const result = await merge(['--output', out, nodeDirs[0] as string, nodeDirs[1] as string]);
      const document = readJson(join(out, 'results.json'));
      expect([result.code, document.verdict]).toEqual([1, 'error']);
      expect(document.merge?.missing_nodes).toEqual(['M4PRO#0']);
      expect(document.error?.message).toContain('node M4PRO#0 is missing');
      expect(document.results.run?.total_requests).toBeGreaterThan(0);
      expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('node M4PRO\\#0 is missing');
      expect(validate(document) ? [] : validate.errors).toEqual([]);
    });

    it("reports a node whose run failed, with that node's error", async () => {
      const broken = join(root, 'failed-secondary');
      cpSync(nodeDirs[2] as string, broken, { recursive: true });
      const document = readJson(join(broken, 'results.json'));
      document.error = { kind: 'cluster', message: 'the instances never appeared' };
      document.verdict = 'error';
      writeFileSync(join(broken, 'results.json'), JSON.stringify(document));
      const out = join(root, 'failed');
      const result = await merge(['--output', out, nodeDirs[0] as string, nodeDirs[1] as string, broken]);
      const merged = readJson(join(out, 'results.json'));
      expect([result.code, merged.verdict, merged.error?.kind]).toEqual([1, 'error', 'cluster']);
      expect(merged.error?.message).toBe(
        'node M4PRO#0: its run failed (cluster: the instances never appeared)',
      );
    });

    it('notices a requests.jsonl that lost lines (results.json counts more)', async () => {
      const cut = join(root, 'cut-primary');
      cpSync(nodeDirs[0] as string, cut, { recursive: true });
      const lines = readFileSync(join(cut, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean);
      writeFileSync(join(cut, 'requests.jsonl'), `${lines.slice(0, -1).join('\n')}\n`);
      const out = join(root, 'cut');
      const result = await merge(['--output', out, cut, nodeDirs[1] as string, nodeDirs[2] as string]);
      const merged = readJson(join(out, 'results.json'));
      expect([result.code, merged.verdict]).toEqual([1, 'error']);
      expect(merged.merge?.problems.join('\n')).toMatch(
        /node M3ULTRA#0: requests\.jsonl holds \d+ request\(s\) of stage \w+, its results\.json counts \d+/,
      );
    });
  });

  describe('bad input: exit 2 with what to fix, nothing merged', () => {
    it('a folder without results.json', async () => {
      const empty = mkdtempSync(join(root, 'empty-'));
      const result = await merge(['--output', join(root, 'x1'), nodeDirs[0] as string, empty]);
      expect(result.code).toBe(2);
      expect(result.output).toContain(`no results.json in ${empty}`);
      expect(result.output).toContain('Give the output folder of each node run');
    });

    it('a folder without requests.jsonl', async () => {
      const partial = join(root, 'no-requests');
      cpSync(nodeDirs[1] as string, partial, { recursive: true });
      rmSync(join(partial, 'requests.jsonl'));
      const result = await merge(['--output', join(root, 'x2'), nodeDirs[0] as string, partial]);
      expect([result.code, result.output]).toEqual([
        2,
        expect.stringContaining(`no requests.jsonl in ${partial}`),
      ]);
    });

    it('the same folder twice', async () => {
      const result = await merge([
        '--output',
        join(root, 'x3'),
        nodeDirs[0] as string,
        nodeDirs[0] as string,
      ]);
      expect([result.code, result.output]).toEqual([
        2,
        expect.stringContaining(`${nodeDirs[0]} is given twice`),
      ]);
    });

    it('the same node in two folders', async () => {
      const copy = join(root, 'primary-copy');
      cpSync(nodeDirs[0] as string, copy, { recursive: true });
      const result = await merge(['--output', join(root, 'x4'), nodeDirs[0] as string, copy]);
      expect(result.code).toBe(2);
      expect(result.output).toContain(`node M3ULTRA#0 appears twice: in ${nodeDirs[0]} and in ${copy}`);
    });

    it('folders of different runs', async () => {
      const other = join(root, 'other-run');
      cpSync(nodeDirs[1] as string, other, { recursive: true });
      const document = readJson(join(other, 'results.json'));
      document.metadata.run_id = 'another-run';
      writeFileSync(join(other, 'results.json'), JSON.stringify(document));
      const result = await merge(['--output', join(root, 'x5'), nodeDirs[0] as string, other]);
      expect(result.code).toBe(2);
      expect(result.output).toContain(
        `the nodes come from different runs: ${nodeDirs[0]} is from run merge-test, ${other} from run another-run`,
      );
      expect(result.output).toContain('Merge the folders of one run only.');
    });

    it('folders of different configs', async () => {
      const other = join(root, 'other-config');
      cpSync(nodeDirs[1] as string, other, { recursive: true });
      const document = readJson(join(other, 'results.json'));
      document.configuration.max_dispatch_lag_p99_ms = 5;
      writeFileSync(join(other, 'results.json'), JSON.stringify(document));
      const result = await merge(['--output', join(root, 'x6'), nodeDirs[0] as string, other]);
      expect([result.code, result.output]).toEqual([
        2,
        expect.stringContaining('the nodes ran different configs'),
      ]);
    });

    it('a request recorded twice in a requests.jsonl', async () => {
      const doubled = join(root, 'doubled');
      cpSync(nodeDirs[0] as string, doubled, { recursive: true });
      const text = readFileSync(join(doubled, 'requests.jsonl'), 'utf8');
      const first = text.split('\n')[0] ?? '';
      writeFileSync(join(doubled, 'requests.jsonl'), `${text}${first}\n`);
      const result = await merge(['--output', join(root, 'x7'), doubled]);
      expect(result.code).toBe(2);
      expect(result.output).toMatch(
        /requests\.jsonl:\d+: request \w+\/\d+ is recorded twice \(first on line 1\)/,
      );
    });

    it('an earlier merge given as a node', async () => {
      const out = join(root, 'merge-of-one');
      await merge(['--output', out, ...nodeDirs]);
      const result = await merge(['--output', join(root, 'x8'), out]);
      expect([result.code, result.output]).toEqual([
        2,
        expect.stringContaining('is already a merged result'),
      ]);
    });

    it('no folder, or no --output', async () => {
      expect((await merge(['--output', join(root, 'x9')])).output).toContain('no NODE_DIR given');
      const noOutput = await merge([nodeDirs[0] as string]);
      expect([noOutput.code, noOutput.output]).toEqual([
        2,
        expect.stringContaining('--output DIR is required'),
      ]);
      const typo = await merge(['--outptu', 'x', nodeDirs[0] as string]);
      expect([typo.code, typo.output]).toEqual([2, expect.stringContaining('Did you mean --output?')]);
    });
  });

  describe('nodes run with the CLI', () => {
    it('merge when they share --run-id (each with its own --label/--index)', async () => {
      const config = join(root, 'cli.yaml');
      writeFileSync(config, CONFIG.replace('{ M3ULTRA: 2, M4PRO: 1 }', '{ M3ULTRA: 2 }'));
      const simulator = await startSimulator({ nodes: 2, seed: 12, profile: { ...FAST_TEST_PROFILE } });
      const dirs = [join(root, 'cli-0'), join(root, 'cli-1')];
      let codes: number[];
      try {
        codes = await Promise.all(
          simulator.nodes.map((node, i) =>
            runCli(
              [
                '--config',
                config,
                '--api-url',
                node.url,
                '--is-primary',
                String(i === 0),
                '--label',
                'M3ULTRA',
                '--index',
                String(i),
                '--run-id',
                'cli-run-7',
                '--output-dir',
                dirs[i] as string,
              ],
              capture().streams,
              {},
            ),
          ),
        );
      } finally {
        await simulator.close();
      }
      const primaryVerdict = readJson(join(dirs[0] as string, 'results.json')).verdict;
      expect([codes[1], readJson(join(dirs[1] as string, 'results.json')).metadata.run_id]).toEqual([
        0,
        'cli-run-7',
      ]);
      const result = await merge(['--output', join(root, 'cli-merged'), ...dirs]);
      const merged = readJson(join(root, 'cli-merged', 'results.json'));
      expect([merged.verdict, merged.merge?.nodes.map((n) => n.node), merged.merge?.problems]).toEqual([
        primaryVerdict,
        ['M3ULTRA#0', 'M3ULTRA#1'],
        [],
      ]);
      expect(result.code).toBe(codes[0]);
    }, 60_000);

    it('refuses a --run-id that is not a plain name', async () => {
      const config = join(root, 'cli-bad-id.yaml');
      writeFileSync(config, CONFIG);
      const out = capture();
      const code = await runCli(
        ['--config', config, '--api-url', 'http://127.0.0.1:9', '--run-id', 'a b'],
        out.streams,
        {},
      );
      expect([code, out.text()]).toEqual([2, expect.stringContaining('--run-id must be 1 to 100 letters')]);
    });
  });
});

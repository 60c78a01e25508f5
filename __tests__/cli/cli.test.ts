/**
 * The exo-bench command in-process (runCli with captured streams): flags compatible with the seed's
 * script, exit codes 0/1/2, and what it prints.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliLogger, progressBar } from '../../src/cli/logger.js';
import { resolveOutputPaths, runCli } from '../../src/cli/run.js';
import { FAST_TEST_PROFILE, startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';

function capture(): {
  stdout: string[];
  stderr: string[];
  streams: { stdout(t: string): void; stderr(t: string): void };
} {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  return {
    ...out,
    streams: { stdout: (t) => void out.stdout.push(t), stderr: (t) => void out.stderr.push(t) },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'exo-bench-cli-'));
const config = join(dir, 'c.yaml');
writeFileSync(
  config,
  `hardware_plan: { M3ULTRA_GPU80_512GB: 1 }
timeout_seconds: 20
max_dispatch_lag_p99_ms: 1000
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: simple, prompt_length: 40, generation_length: 10, time_between_requests: 0.05, iterations: 3 }
`,
);

describe('exo-bench usage', () => {
  it('prints help and version, exit 0', async () => {
    const help = capture();
    expect(await runCli(['--help'], help.streams, {})).toBe(0);
    expect(help.stdout.join('')).toContain('--api-port N');
    expect(help.stdout.join('')).toContain('--schedule-start-ms MS');
    const version = capture();
    expect(await runCli(['--version'], version.streams, {})).toBe(0);
    expect(version.stdout.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['--config', config, '--bogus'], /Unknown option '--bogus'/],
    [['--config', config, '--simulat'], /Unknown option '--simulat'.* Did you mean --simulate\?/],
    [[], /--config FILE is required/],
    [['--config', config, '--api-port', '70000'], /--api-port must be a TCP port/],
    [['--config', config, '--api-port', 'x'], /--api-port must be a whole number/],
    [['--config', config, '--is-primary', 'maybe'], /--is-primary must be true or false/],
    [['--config', config, '--index', 'abc'], /--index must be a whole number ≥ 0, got "abc"/],
    [['--config', config, '--index=1.5'], /--index must be a whole number ≥ 0, got "1.5"/],
    [['--config', config, '--api-port', '1', '--api-url', 'http://127.0.0.1:1'], /mutually exclusive/],
    [
      ['--config', config, '--api-url', 'file:///etc/passwd'],
      /must be an http:\/\/ or https:\/\/ URL, got "file:\/\/\/etc\/passwd"/,
    ],
    [['--config', join(dir, 'missing.yaml')], /missing\.yaml/],
    [
      ['--config', config, '--schedule-start-ms', '1900000000'],
      /--schedule-start-ms must be epoch milliseconds \(the plan's start_at_ms, 13 digits\), got "1900000000"/,
    ],
    [['--config', config, '--schedule-start-ms', 'soon'], /--schedule-start-ms must be a whole number ≥ 1/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const io = capture();
    expect(await runCli(args, io.streams, {})).toBe(2);
    expect(io.stderr.join('')).toMatch(message);
    expect(io.stderr.join('')).not.toMatch(/\n\s+at /);
  });
});

describe('exo-bench plan', () => {
  it('fixes the first start of an openai all_nodes run in every entry: now + all_nodes_start_delay_seconds', async () => {
    const openai = join(dir, 'openai.yaml');
    writeFileSync(
      openai,
      `hardware_plan: { LOADGEN: 3 }
load_from: all_nodes
all_nodes_start_delay_seconds: 30
target: { kind: openai, base_url: 'http://127.0.0.1:8000', model: m }
stages: [{ name: s, prompt_length: 20, generation_length: 10, time_between_requests: 1, iterations: 3 }]
`,
    );
    const io = capture();
    const before = Date.now();
    expect(await runCli(['plan', '--config', openai], io.streams, {})).toBe(0);
    const after = Date.now();
    const entries = (JSON.parse(io.stdout.join('')) as { include: Array<{ start_at_ms: number }> }).include;
    expect(entries).toHaveLength(3);
    expect(new Set(entries.map((entry) => entry.start_at_ms)).size).toBe(1);
    expect(entries[0]?.start_at_ms).toBeGreaterThanOrEqual(before + 30_000);
    expect(entries[0]?.start_at_ms).toBeLessThanOrEqual(after + 30_001);
  });
});

describe("--output: the seed's file, or our folder", () => {
  it('is a file when it ends in .json or names an existing file; our files then go beside it', () => {
    expect(resolveOutputPaths(join(dir, 'r.json'), undefined)).toEqual({
      resultsFile: join(dir, 'r.json'),
      outputDir: join(dir, 'r-files'),
    });
    expect(resolveOutputPaths(config, undefined).resultsFile).toBe(config);
    expect(resolveOutputPaths(join(dir, 'r.json'), join(dir, 'o'))).toEqual({
      resultsFile: join(dir, 'r.json'),
      outputDir: join(dir, 'o'),
    });
  });

  it('is a folder when it ends in /, names an existing folder, or has no .json ending', () => {
    expect(resolveOutputPaths(`${join(dir, 'x.json')}/`, undefined)).toEqual({
      outputDir: join(dir, 'x.json'),
    });
    expect(resolveOutputPaths(dir, undefined)).toEqual({ outputDir: dir });
    expect(resolveOutputPaths(join(dir, 'out'), undefined)).toEqual({ outputDir: join(dir, 'out') });
    expect(() => resolveOutputPaths(join(dir, 'out'), join(dir, 'o'))).toThrow(/give one/);
  });
});

describe('exo-bench run with the seed script flags', () => {
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    simulator = await startSimulator({ nodes: 1, profile: { ...FAST_TEST_PROFILE } });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('--api-port --config --expected-nodes --is-primary --timeout-seconds --output DIR: runs, prints the table and the JSON RESULTS block, exits 0', async () => {
    const io = capture();
    const output = join(dir, 'out');
    const port = new URL(simulator.url).port;
    const code = await runCli(
      [
        '--api-port',
        port,
        '--config',
        config,
        '--expected-nodes',
        '1',
        '--is-primary',
        'true',
        '--timeout-seconds',
        '20',
        '--output',
        output,
      ],
      io.streams,
      {},
    );
    expect([code, code === 0 ? '' : io.stderr.join('')]).toEqual([0, '']);
    const stdout = io.stdout.join('');
    expect(stdout).toMatch(/simple\s+3\s+3\s+0\s+100\.0%\s+30\s/);
    const banner = '='.repeat(80);
    const opening = `${banner}\nJSON RESULTS\n${banner}\n`;
    expect(stdout.endsWith(`\n${banner}\n`)).toBe(true);
    const json = JSON.parse(stdout.slice(stdout.indexOf(opening) + opening.length, -(banner.length + 1))) as {
      verdict: string;
      results: { stages: Array<Record<string, unknown>> };
    };
    expect(json.verdict).toBe('pass');
    expect(json.results.stages[0]).toMatchObject({
      name: 'simple',
      total_requests: 3,
      successful_requests: 3,
      failed_requests: 0,
      success_rate: 1,
      total_tokens: 30,
      avg_tokens_per_request: 10,
    });
    for (const file of ['results.json', 'requests.jsonl', 'summary.md', 'report.html'])
      expect(existsSync(join(output, file))).toBe(true);
    expect(io.stderr.join('')).toContain('verdict: pass');
  });

  it('exits 1 when the run cannot be carried out (nothing listening), after writing results', async () => {
    const io = capture();
    const output = join(dir, 'out-fail');
    const code = await runCli(
      ['--api-url', 'http://127.0.0.1:9', '--config', config, '--timeout-seconds', '1', '--output', output],
      io.streams,
      {},
    );
    expect(code).toBe(1);
    expect(existsSync(join(output, 'results.json'))).toBe(true);
    expect(io.stderr.join('')).toContain('verdict: error');
    // Nothing listens: the progress says so once, and offers the simulator.
    expect(io.stderr.join('').match(/try without a server: exo-bench --simulate --config /g)).toHaveLength(1);
  });
});

describe('progress on a terminal', () => {
  it('draws stage progress as a bar redrawn in place, and keeps its last state when other lines follow', () => {
    expect(progressBar('stage stress_test: 15/30 sent, 11 done, 0 failed, 4 in flight, eta 14s')).toBe(
      'stage stress_test [████████████░░░░░░░░░░░░] 15/30 sent, 11 done, 0 failed, 4 in flight, eta 14s',
    );
    expect(progressBar('placed a model')).toBeUndefined();
    const written: string[] = [];
    const tty = new CliLogger({
      stdout: () => undefined,
      stderr: (t) => void written.push(t),
      stderrIsTTY: true,
    });
    tty.info('stage s: 1/2 sent, 0 done, 0 failed, 1 in flight, eta 1s');
    tty.info('stage s: 2/2 sent, 2 done, 0 failed, 0 in flight, eta 0ms');
    tty.info('deleted instance x');
    expect(written).toEqual([
      '\r\x1b[2Kstage s [████████████░░░░░░░░░░░░] 1/2 sent, 0 done, 0 failed, 1 in flight, eta 1s',
      '\r\x1b[2Kstage s [████████████████████████] 2/2 sent, 2 done, 0 failed, 0 in flight, eta 0ms',
      '\ndeleted instance x\n',
    ]);
    const pipe: string[] = [];
    new CliLogger({ stdout: () => undefined, stderr: (t) => void pipe.push(t) }).info(
      'stage s: 1/2 sent, 0 done, 0 failed, 1 in flight, eta 1s',
    );
    expect(pipe).toEqual(['stage s: 1/2 sent, 0 done, 0 failed, 1 in flight, eta 1s\n']);
  });
});

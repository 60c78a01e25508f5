/** The CLI with an openai target: --simulate starts the openai flavour, and the API key is masked. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import type { ResultsDocument } from '../../src/results/document.js';

const KEY = 'sk-cli-secret-42';

it('runs an openai config against the simulated server, never printing the key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exo-bench-cli-openai-'));
  const configPath = join(dir, 'openai.yaml');
  writeFileSync(
    configPath,
    `target:
  kind: openai
  base_url: http://127.0.0.1:9/v1
  model: served-model
  api_key_env: CLI_KEY
max_dispatch_lag_p99_ms: 1000
stages:
  - {name: s, prompt_length: 200, generation_length: 4, time_between_requests: 0.01, iterations: 2}
`,
  );
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['--simulate', '--config', configPath, '--output', join(dir, 'out')],
    { stdout: (text) => out.push(text), stderr: (text) => err.push(text) },
    { CLI_KEY: KEY },
  );
  const results = readFileSync(join(dir, 'out', 'results.json'), 'utf8');
  expect({ code, err: err.join('') }).toMatchObject({ code: 0 });
  expect(err.join('')).toContain('OpenAI-compatible server ready at http://127.0.0.1:');
  expect(err.join('')).toContain('prompt of 200 tokens for served-model: calibrated exactly');
  expect(JSON.parse(results).results.stages[0].prompt_tokens.max).toBe(200);
  // --simulate: the server ran in this process, and the CPU figures say they include it.
  const document = JSON.parse(results) as ResultsDocument;
  expect(document.client_cpu?.includes_simulated_server).toBe(true);
  expect(document.results.stages[0]!.client_cpu?.includes_simulated_server).toBe(true);
  expect(readFileSync(join(dir, 'out', 'summary.md'), 'utf8')).toContain('Includes the simulated server');
  for (const text of [out.join(''), err.join(''), results]) expect(text).not.toContain(KEY);
});

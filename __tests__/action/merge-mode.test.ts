/**
 * Merge mode's choice of artifacts, driven through mergeMode with an artifact source in memory: which
 * names are node artifacts, which attempt of a re-run counts, and what an unreadable artifact becomes.
 * (The end-to-end path through @actions/artifact is __tests__/e2e/merge.test.ts.)
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionInputs } from '../../src/action/inputs.js';
import { mergeMode, namePattern, selectNodeArtifacts } from '../../src/action/merge-mode.js';
import type { RunArtifact, RunArtifactSource } from '../../src/action/ports.js';
import type { OutputValues } from '../../src/action/publish.js';
import { runNode } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { Ports } from '../../src/core/ports.js';
import type { ResultsDocument } from '../../src/results/document.js';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const CONFIG = `
hardware_plan: { M4PRO: 1 }
timeout_seconds: 20
max_dispatch_lag_p99_ms: 1000
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: only, prompt_length: 32, generation_length: 6, time_between_requests: 0.01, iterations: 5 }
`;

function inputs(overrides: Partial<ActionInputs>): ActionInputs {
  return {
    mode: 'merge',
    configFile: '.github/configs/bench_simple.yaml',
    isPrimary: true,
    apiUrl: undefined,
    apiPort: 52415,
    expectedNodes: undefined,
    timeoutSeconds: undefined,
    hardwareLabel: undefined,
    nodeIndex: 0,
    exoCommand: undefined,
    simulate: false,
    outputDir: undefined,
    uploadArtifact: true,
    artifactName: undefined,
    githubToken: undefined,
    runnerScope: 'repo',
    waitForRunnersSeconds: 0,
    requireRunners: undefined,
    baseline: undefined,
    failOnThreshold: true,
    commentOnPr: false,
    modelsDir: undefined,
    readOnlyModelsDirs: undefined,
    nodeArtifacts: undefined,
    scheduleStartMs: undefined,
    ...overrides,
  };
}

function memoryPorts(logger: MemoryLogger): { ports: Ports; summaries: string[]; uploads: string[] } {
  const summaries: string[] = [];
  const uploads: string[] = [];
  const state = new Map<string, string>();
  return {
    summaries,
    uploads,
    ports: {
      logger,
      summary: { write: async (markdown) => void summaries.push(markdown) },
      outputs: { set: () => undefined },
      env: { exportVariable: () => undefined, mask: () => undefined },
      state: { save: (name, value) => void state.set(name, value), get: (name) => state.get(name) ?? '' },
      artifact: {
        upload: async (name) => {
          uploads.push(name);
          return { id: 77 };
        },
      },
    },
  };
}

/** Artifacts served from folders; `broken` names fail to download, as a service error would. */
function folderSource(
  folders: Map<string, string>,
  broken: Set<string>,
): RunArtifactSource & { listed: RunArtifact[] } {
  const listed = [...folders.keys(), ...broken].map((name, i) => ({ id: 100 + i, name }));
  return {
    listed,
    list: async () => listed,
    download: async (artifact, folder) => {
      if (broken.has(artifact.name)) throw new Error(`HTTP 500 fetching ${artifact.name}`);
      cpSync(folders.get(artifact.name) as string, folder, { recursive: true });
    },
  };
}

describe('which artifacts are node artifacts', () => {
  it('matches `*` as any text and nothing else as special', () => {
    expect(namePattern('exo-bench-*').test('exo-bench-M4PRO-0-1')).toBe(true);
    expect(namePattern('bench.(x)-*').test('bench.(x)-1')).toBe(true);
    expect(namePattern('bench.(x)-*').test('benchX(x)-1')).toBe(false);
    expect(namePattern('a*b').test('xab')).toBe(false);
  });

  it('never takes a merged artifact or the step’s own', () => {
    const names = ['exo-bench-A-0-1', 'exo-bench-merged-1', 'exo-bench-merged-2', 'mine', 'other'].map(
      (name, id) => ({ id, name }),
    );
    expect(selectNodeArtifacts(names, 'exo-bench-*', 'exo-bench-merged-1').map((a) => a.name)).toEqual([
      'exo-bench-A-0-1',
    ]);
    expect(selectNodeArtifacts(names, '*', 'mine').map((a) => a.name)).toEqual(['exo-bench-A-0-1', 'other']);
  });
});

describe('mergeMode with an artifact source in memory', () => {
  let root: string;
  let attempt1: string;
  let attempt2: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'exo-bench-merge-mode-'));
    attempt1 = join(root, 'attempt-1');
    const simulator = await startSimulator({ nodes: 1, seed: 3, profile: { ...FAST_TEST_PROFILE } });
    try {
      const outcome = await runNode(
        parseConfigText(CONFIG, 'merge-mode.yaml', {}),
        {
          apiUrl: simulator.url,
          isPrimary: true,
          expectedNodes: 1,
          timeoutSeconds: 20,
          outputDir: attempt1,
          runId: '900-1',
          pollIntervalMs: 20,
          hardwareLabel: 'M4PRO',
          nodeIndex: 0,
          provenance: {
            source: 'github-actions',
            tool_version: 'test',
            started_at: '',
            config_file: 'merge-mode.yaml',
            simulated: true,
            run_id: '900',
            run_attempt: 1,
          },
        },
        { logger: new MemoryLogger() },
      );
      expect(outcome.document.error).toBeNull();
    } finally {
      await simulator.close();
    }
    // The same node re-run as attempt 2 (its own run id, the same workflow run).
    attempt2 = join(root, 'attempt-2');
    cpSync(attempt1, attempt2, { recursive: true });
    const document = JSON.parse(readFileSync(join(attempt2, 'results.json'), 'utf8')) as ResultsDocument;
    document.metadata.run_id = '900-2';
    if (document.provenance) document.provenance.run_attempt = 2;
    writeFileSync(join(attempt2, 'results.json'), JSON.stringify(document));
  }, 40_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("takes the newest attempt of a re-run node, whatever the artifacts' order", async () => {
    const logger = new MemoryLogger();
    const { ports, summaries, uploads } = memoryPorts(logger);
    const outputs: OutputValues = {};
    const source = folderSource(
      new Map([
        ['exo-bench-M4PRO-0-2', attempt2],
        ['exo-bench-M4PRO-0-1', attempt1],
        ['exo-bench-merged-1', attempt1],
      ]),
      new Set(),
    );
    const failure = await mergeMode(
      inputs({ outputDir: join(root, 'out-attempts') }),
      ports,
      outputs,
      source,
    );
    const merged = JSON.parse(
      readFileSync(join(root, 'out-attempts', 'results.json'), 'utf8'),
    ) as ResultsDocument;
    expect(merged.merge?.nodes.map((n) => n.source)).toEqual(['artifact exo-bench-M4PRO-0-2']);
    expect(logger.lines).toContain(
      'node M4PRO#0: artifact exo-bench-M4PRO-0-1 left out (exo-bench-M4PRO-0-2 is newer)',
    );
    expect([failure, outputs.verdict, outputs['total-requests']]).toEqual([undefined, 'pass', '5']);
    expect(uploads).toEqual(['exo-bench-merged-1']);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toContain('merged run of 1 node');
  });

  it('an artifact that cannot be downloaded is in the verdict, after publishing', async () => {
    const logger = new MemoryLogger();
    const { ports, summaries } = memoryPorts(logger);
    const outputs: OutputValues = {};
    const source = folderSource(
      new Map([['exo-bench-M4PRO-0-1', attempt1]]),
      new Set(['exo-bench-M4PRO-1-1']),
    );
    const failure = await mergeMode(inputs({ outputDir: join(root, 'out-broken') }), ports, outputs, source);
    expect(outputs.verdict).toBe('error');
    expect(failure?.message).toContain(
      'artifact exo-bench-M4PRO-1-1: could not be read: HTTP 500 fetching exo-bench-M4PRO-1-1',
    );
    expect(summaries[0]).toContain('could not be read: HTTP 500');
    expect(logger.lines.some((line) => line.startsWith('warning: artifact exo-bench-M4PRO-1-1 (id'))).toBe(
      true,
    );
  });
});

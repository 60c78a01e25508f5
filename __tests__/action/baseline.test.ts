/**
 * The `baseline` input fetched from GitHub (issue #6), through the real @actions/github client and the
 * real @actions/artifact download against a local stand-in of the REST endpoints and of blob storage:
 * `run:<id>`, `latest` (newest successful run of this workflow on the default branch with this node's
 * artifact), baselines that cannot be had (a reason, never a throw), a token GitHub refuses, and the
 * signed blob URL fetched without the token.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { ResultsDocument } from '../../src/results/document.js';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import { resolveBaseline } from '../../src/verdict/baseline.js';
import { compareWithBaseline, type BaselineInput, type LoadedBaseline } from '../../src/verdict/compare.js';
import { GitHubArtifactsStandin, buildZip, type StandinRun } from '../helpers/github-artifacts-standin.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

// The default branch is not `main`, so that `latest` has to ask the repository which one it is.
const standin = await GitHubArtifactsStandin.start({ defaultBranch: 'trunk' });
const savedEnv = { apiUrl: process.env.GITHUB_API_URL, serverUrl: process.env.GITHUB_SERVER_URL };
process.env.GITHUB_API_URL = standin.apiUrl;
// @actions/artifact refuses to download on a GITHUB_SERVER_URL it takes for GitHub Enterprise Server.
delete process.env.GITHUB_SERVER_URL;
// Imported only now: @actions/github (also the copy @actions/artifact downloads with) reads
// GITHUB_API_URL once, when the module loads.
const { createArtifactBaselineFetcher } = await import('../../src/action/baseline.js');

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

afterAll(async () => {
  restore('GITHUB_API_URL', savedEnv.apiUrl);
  restore('GITHUB_SERVER_URL', savedEnv.serverUrl);
  await standin.close();
});

/** This node's artifacts are `exo-bench-M3ULTRA-0-<attempt>`: the prefix the action matches (modes.ts). */
const NODE_PREFIX = 'exo-bench-M3ULTRA-0-';
const CURRENT_RUN = 9005;

let original: NodeRunOutcome;
let resultsText: string;
let requestsText: string;

/** A real run's files, with `metadata.run_id` naming the run it stands for, so a test can tell them apart. */
function zipOfRun(runId: number, attempt = 1): Buffer {
  const document = JSON.parse(resultsText) as ResultsDocument;
  document.metadata.run_id = `${runId}-${attempt}`;
  return buildZip({
    'results.json': `${JSON.stringify(document, null, 2)}\n`,
    'requests.jsonl': requestsText,
    'summary.md': '## exo-bench\n',
  });
}

beforeAll(async () => {
  const simulator = await startSimulator({ nodes: 1, seed: 5, profile: FAST_TEST_PROFILE });
  try {
    original = await runNode(
      parseConfigText(
        `hardware_plan: { M3ULTRA: 1 }
timeout_seconds: 30
max_dispatch_lag_p99_ms: 1000
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: steady, prompt_length: 16, generation_length: 4, time_between_requests: 0.01, iterations: 6 }
`,
        'baseline.yaml',
        {},
      ),
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 1,
        timeoutSeconds: 30,
        outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-baseline-run-')),
        runId: 'baseline-source',
        pollIntervalMs: 20,
        hardwareLabel: 'M3ULTRA',
      },
      { logger: new MemoryLogger() },
    );
  } finally {
    await simulator.close();
  }
  // A baseline with verdict `invalid` would not be compared; a busy machine must not make it one.
  expect(original.document.validity.valid).toBe(true);
  resultsText = readFileSync(original.resultsPath, 'utf8');
  requestsText = readFileSync(original.requestsPath, 'utf8');

  const day = (d: number): string => `2024-05-${String(d).padStart(2, '0')}T10:00:00Z`;
  const runs: StandinRun[] = [
    // The run being re-run right now: its first attempt succeeded, but it is never its own baseline.
    {
      id: CURRENT_RUN,
      headBranch: 'trunk',
      conclusion: 'success',
      createdAt: day(9),
      artifacts: [{ id: 550, name: `${NODE_PREFIX}1`, zip: zipOfRun(CURRENT_RUN) }],
    },
    // A fork's pull request from a branch it called `trunk`: the branch filter matches it by name.
    {
      id: 9004,
      headBranch: 'trunk',
      event: 'pull_request',
      headRepository: 'mallory/bench',
      conclusion: 'success',
      createdAt: day(8),
      artifacts: [{ id: 540, name: `${NODE_PREFIX}1`, zip: zipOfRun(9004) }],
    },
    // Another workflow of the same repository.
    {
      id: 9010,
      workflow: 'nightly.yml',
      headBranch: 'trunk',
      conclusion: 'success',
      createdAt: day(8),
      artifacts: [{ id: 600, name: `${NODE_PREFIX}1`, zip: zipOfRun(9010) }],
    },
    // Failed, and on a branch that is not the default.
    {
      id: 9008,
      headBranch: 'trunk',
      conclusion: 'failure',
      createdAt: day(7),
      artifacts: [{ id: 580, name: `${NODE_PREFIX}1`, zip: zipOfRun(9008) }],
    },
    {
      id: 9007,
      headBranch: 'main',
      conclusion: 'success',
      createdAt: day(7),
      artifacts: [{ id: 570, name: `${NODE_PREFIX}1`, zip: zipOfRun(9007) }],
    },
    // A success with only another node's artifact, and one whose artifact has expired.
    {
      id: 9003,
      headBranch: 'trunk',
      conclusion: 'success',
      createdAt: day(6),
      artifacts: [{ id: 530, name: 'exo-bench-M4PRO-1-1', zip: zipOfRun(9003) }],
    },
    {
      id: 9006,
      headBranch: 'trunk',
      conclusion: 'success',
      createdAt: '2024-05-05T12:00:00Z',
      artifacts: [{ id: 560, name: `${NODE_PREFIX}1`, zip: zipOfRun(9006), expired: true }],
    },
    // The one `latest` should find: a scheduled run on trunk, re-run once (two attempts' artifacts).
    {
      id: 9002,
      headBranch: 'trunk',
      event: 'schedule',
      conclusion: 'success',
      createdAt: day(5),
      artifacts: [
        { id: 521, name: `${NODE_PREFIX}1`, zip: zipOfRun(9002, 1), createdAt: day(5) },
        { id: 520, name: 'exo-bench-M4PRO-1-1', zip: zipOfRun(9002, 1), createdAt: day(5) },
        { id: 522, name: `${NODE_PREFIX}2`, zip: zipOfRun(9002, 2), createdAt: '2024-05-05T11:00:00Z' },
      ],
    },
    {
      id: 9001,
      headBranch: 'trunk',
      conclusion: 'success',
      createdAt: day(1),
      artifacts: [{ id: 510, name: `${NODE_PREFIX}1`, zip: zipOfRun(9001) }],
    },
    // A workflow whose only run failed: it has never had a successful run.
    {
      id: 9020,
      workflow: 'fresh.yml',
      headBranch: 'trunk',
      conclusion: 'failure',
      createdAt: day(9),
      artifacts: [],
    },
  ];
  standin.runs = runs;
});

beforeEach(() => {
  standin.resetRequests();
  standin.access = 'ok';
});

type FetcherOptions = Parameters<typeof createArtifactBaselineFetcher>[0];

/** A fetcher wired the way the action wires it (src/action/modes.ts), in a new download folder. */
function fetcher(overrides: Partial<FetcherOptions> = {}) {
  return createArtifactBaselineFetcher({
    token: standin.token,
    repository: standin.repository,
    workflowRef: `${standin.repository}/.github/workflows/bench.yml@refs/pull/12/merge`,
    currentRunId: CURRENT_RUN,
    artifact: { prefix: NODE_PREFIX },
    downloadRoot: mkdtempSync(join(tmpdir(), 'exo-bench-baseline-dl-')),
    logger: new MemoryLogger(),
    serverUrl: 'https://github.com',
    ...overrides,
  });
}

function loadedBaseline(input: BaselineInput): LoadedBaseline {
  if (input.status !== 'loaded') throw new Error(`baseline not loaded: ${input.reason}`);
  return input.baseline;
}

function unavailableReason(input: BaselineInput): string {
  if (input.status !== 'unavailable') throw new Error(`expected no baseline, got ${input.baseline.source}`);
  return input.reason;
}

describe('baseline run:<id>', () => {
  it("downloads this node's artifact of that run and reads results.json and requests.jsonl from it", async () => {
    const baseline = loadedBaseline(await resolveBaseline('run:9001', fetcher()));

    expect(baseline.source).toBe(`run 9001 (artifact ${NODE_PREFIX}1)`);
    expect(baseline.url).toBe('https://github.com/exo-explore/bench/actions/runs/9001');
    expect(baseline.document.metadata.run_id).toBe('9001-1');
    // What was zipped is what the comparison gets: the same run compares like for like, without regressions.
    const local = loadedBaseline(await resolveBaseline(original.resultsPath, undefined));
    expect(local.records?.length).toBeGreaterThan(0);
    expect(baseline.records).toEqual(local.records);
    const comparison = compareWithBaseline(original.document, local.records ?? [], baseline);
    expect(comparison.reasons).toEqual([]);
    expect(comparison.comparable).toBe(true);
    expect(comparison.regressions).toBe(0);

    expect(standin.apiRequests.map((request) => [request.path, request.status])).toEqual([
      ['/repos/exo-explore/bench/actions/runs/9001/artifacts', 200],
      ['/repos/exo-explore/bench/actions/artifacts/510/zip', 302],
    ]);
    expect(standin.apiRequests.every((request) => request.authorization === `token ${standin.token}`)).toBe(
      true,
    );
  });

  it('fetches the signed blob URL without the token (the redirect does not carry Authorization)', async () => {
    loadedBaseline(await resolveBaseline('run:9001', fetcher()));

    expect(standin.blobRequests).toHaveLength(1);
    const [blob] = standin.blobRequests;
    expect(blob?.path).toBe('/actions-results/4242/artifacts/510.zip');
    expect(blob?.query.sig).toBeDefined();
    expect(blob?.status).toBe(200);
    expect(blob?.authorization).toBeUndefined();
  });

  it("names the artifact it looked for when the run has none of this node's, or only an expired one", async () => {
    const otherNode = unavailableReason(await resolveBaseline('run:9003', fetcher()));
    expect(otherNode).toBe(
      `baseline run:9003 has no artifact named "${NODE_PREFIX}<attempt>" (or it expired)`,
    );
    const expired = unavailableReason(await resolveBaseline('run:9006', fetcher()));
    expect(expired).toContain('baseline run:9006 has no artifact named');
    const exact = unavailableReason(
      await resolveBaseline('run:9001', fetcher({ artifact: { exact: 'bench-results' } })),
    );
    expect(exact).toBe('baseline run:9001 has no artifact named "bench-results" (or it expired)');
    expect(standin.blobRequests).toHaveLength(0);
  });

  it('says GitHub does not know the run when the id is wrong', async () => {
    const reason = unavailableReason(await resolveBaseline('run:123456', fetcher()));
    expect(reason).toBe(
      'baseline run:123456: listing the artifacts of run 123456: GitHub answered 404 "Not Found": no such workflow run or workflow',
    );
  });
});

describe('baseline latest', () => {
  it('picks the newest successful run of this workflow on the default branch that has this node’s artifact', async () => {
    const baseline = loadedBaseline(await resolveBaseline('latest', fetcher()));

    // Not the current run, the fork's PR, another workflow, a failure, another branch, a run with
    // another node's artifact or an expired one; of run 9002's attempts, the newest.
    expect(baseline.source).toBe(`run 9002 (artifact ${NODE_PREFIX}2)`);
    expect(baseline.document.metadata.run_id).toBe('9002-2');
    expect(baseline.url).toBe('https://github.com/exo-explore/bench/actions/runs/9002');

    const [repository, listing, ...rest] = standin.apiRequests;
    expect(repository?.path).toBe('/repos/exo-explore/bench');
    expect(listing?.path).toBe('/repos/exo-explore/bench/actions/workflows/bench.yml/runs');
    expect(listing?.query).toMatchObject({ branch: 'trunk', status: 'success', per_page: '20' });
    // Artifacts are listed only for runs that could be a baseline, newest first, until one has ours.
    expect(rest.map((request) => request.path)).toEqual([
      '/repos/exo-explore/bench/actions/runs/9003/artifacts',
      '/repos/exo-explore/bench/actions/runs/9006/artifacts',
      '/repos/exo-explore/bench/actions/runs/9002/artifacts',
      '/repos/exo-explore/bench/actions/artifacts/522/zip',
    ]);
    expect(standin.blobRequests.map((request) => [request.path, request.authorization])).toEqual([
      ['/actions-results/4242/artifacts/522.zip', undefined],
    ]);
  });

  it('is unavailable, not fatal, when no successful run has this node’s artifact', async () => {
    const reason = unavailableReason(
      await resolveBaseline('latest', fetcher({ artifact: { exact: 'exo-bench-M2MAX-3-1' } })),
    );
    expect(reason).toBe(
      'baseline latest: none of the last 4 successful runs of bench.yml on trunk has an artifact named "exo-bench-M2MAX-3-1"',
    );
  });

  it('is unavailable when the workflow has never succeeded on the default branch', async () => {
    const reason = unavailableReason(
      await resolveBaseline(
        'latest',
        fetcher({ workflowRef: `${standin.repository}/.github/workflows/fresh.yml@refs/heads/trunk` }),
      ),
    );
    expect(reason).toBe(
      `baseline latest: none of the last 0 successful runs of fresh.yml on trunk has an artifact named "${NODE_PREFIX}<attempt>"`,
    );
  });

  it('is unavailable when the workflow is not on the default branch yet (the PR that adds it)', async () => {
    const reason = unavailableReason(
      await resolveBaseline(
        'latest',
        fetcher({ workflowRef: `${standin.repository}/.github/workflows/new-bench.yml@refs/pull/3/merge` }),
      ),
    );
    expect(reason).toBe(
      'baseline latest: GitHub knows no workflow new-bench.yml on trunk yet (404), so there is no earlier run to compare with',
    );
  });

  it('is unavailable when GITHUB_WORKFLOW_REF does not say which workflow this is', async () => {
    const reason = unavailableReason(await resolveBaseline('latest', fetcher({ workflowRef: undefined })));
    expect(reason).toContain('cannot tell which workflow this is');
    expect(standin.apiRequests).toHaveLength(0);
  });
});

describe('a token GitHub refuses', () => {
  it('says the token needs actions: read when GitHub answers 403 (a GITHUB_TOKEN without it)', async () => {
    standin.access = 'forbidden';
    const run = unavailableReason(await resolveBaseline('run:9001', fetcher()));
    expect(run).toBe(
      'baseline run:9001: listing the artifacts of run 9001: GitHub answered 403 "Resource not accessible by integration": ' +
        'the github-token may not read this repository\'s Actions runs and artifacts; give the job "permissions: actions: read"',
    );
    const latest = unavailableReason(await resolveBaseline('latest', fetcher()));
    expect(latest).toMatch(
      /^baseline latest: listing the successful runs on the default branch: GitHub answered 403 .*actions: read/,
    );
    expect(standin.blobRequests).toHaveLength(0);
  });

  it('says the token is not valid when GitHub answers 401', async () => {
    const reason = unavailableReason(await resolveBaseline('run:9001', fetcher({ token: 'ghs_revoked' })));
    expect(reason).toBe(
      'baseline run:9001: listing the artifacts of run 9001: GitHub answered 401 "Bad credentials": the github-token is not valid',
    );
  });
});

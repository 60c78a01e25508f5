/**
 * Workload shapes checked against the simulator's ground truth (`GET /_simulator/requests`: when the
 * server saw each request arrive and end). One runNode run of five stages, then the same specifications
 * for either flavour of the simulator (EXO, and the openai stand-in for a real server):
 * - poisson: the inter-arrival gaps pass a Kolmogorov–Smirnov test against the exponential at the
 *   configured rate; the constant stage at the same rate fails it;
 * - gamma: the gaps' coefficient of variation is 1/√burstiness;
 * - concurrency 8: never 9 in flight, and fewer than 8 only between a completion and the next arrival;
 * - ramp: the achieved rate follows the planned line within 5 %.
 * Tolerances come from the statistics (and from the schedule itself, which the seed fixes), not from
 * how fast this machine is.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import { planArrivals } from '../../src/load/arrivals.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { ResultsDocument, StageResults } from '../../src/results/document.js';
import {
  FAST_TEST_PROFILE,
  startSimulator,
  type GroundTruthRecord,
  type SimulatorFlavor,
  type SimulatorProfile,
} from '../../src/simulator/index.js';
import { MemoryLogger } from './memory-logger.js';
import { exponentialCdf, gapsOf, ksPValue, meanAndCv } from './statistics.js';

/** Each stage has its own generation_length: that is how ground-truth records are told apart. */
export const SHAPE_STAGES = {
  constant: { generation: 4, gapSeconds: 0.02, iterations: 200 },
  poisson: { generation: 5, gapSeconds: 0.05, iterations: 200 },
  gamma: { generation: 6, gapSeconds: 0.05, iterations: 300, burstiness: 0.5 },
  concurrency: { generation: 100, iterations: 120, concurrency: 8 },
  ramp: { generation: 7, gapSeconds: 0.1, iterations: 300, rampToRate: 50 },
} as const;

const STAGES_YAML = `
seed: 7
calibrate_prompts: false
max_dispatch_lag_p99_ms: 1000
stages:
  - { name: constant, prompt_length: 16, generation_length: 4, time_between_requests: 0.02, iterations: 200 }
  - { name: poisson, prompt_length: 16, generation_length: 5, arrival: poisson, time_between_requests: 0.05, iterations: 200 }
  - { name: gamma, prompt_length: 16, generation_length: 6, arrival: gamma, burstiness: 0.5, time_between_requests: 0.05, iterations: 300 }
  - { name: closed, prompt_length: 16, generation_length: 100, concurrency: 8, iterations: 120 }
  - { name: ramp, prompt_length: 16, generation_length: 7, time_between_requests: 0.1, ramp_to_rate: 50, iterations: 300 }
`;

export interface ShapesRun {
  verdict: string;
  document: ResultsDocument;
  truth: GroundTruthRecord[];
  /** requests.jsonl: the client's own times. */
  records: RequestRecord[];
  logLines: string[];
}

/** Runs the five stages against a fresh in-process simulator of `flavor` and reads its ground truth. */
export async function runShapes(flavor: SimulatorFlavor): Promise<ShapesRun> {
  const profile: Partial<SimulatorProfile> = {
    ...FAST_TEST_PROFILE,
    // Every stream decodes at full rate, and nothing queues: a request lasts what its tokens take.
    decodeSlowdownPerExtraStream: 0,
    maxConcurrentRequests: 64,
  };
  const simulator = await startSimulator({ flavor, nodes: 1, seed: 5, profile });
  try {
    const target =
      flavor === 'openai'
        ? `target: { kind: openai, base_url: 'http://127.0.0.1:1/v1', model: ${simulator.profile.openai.model} }`
        : `hardware_plan: { sim: 1 }\ntimeout_seconds: 30\nmodel_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]`;
    const logger = new MemoryLogger();
    const outputDir = mkdtempSync(join(tmpdir(), `exo-bench-shapes-${flavor}-`));
    const outcome = await runNode(
      parseConfigText(`${target}\n${STAGES_YAML}`, 'shapes.yaml', {}),
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: flavor === 'openai' ? 0 : 1,
        timeoutSeconds: 30,
        outputDir,
        runId: `shapes-${flavor}`,
        pollIntervalMs: 20,
      },
      { logger },
    );
    const response = await fetch(`${simulator.control}/_simulator/requests`);
    const truth = (await response.json()) as GroundTruthRecord[];
    const document = JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as ResultsDocument;
    const records = readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord);
    return { verdict: outcome.verdict, document, truth, records, logLines: logger.lines };
  } finally {
    await simulator.close();
  }
}

/** The streamed requests of one stage, by arrival, as the server saw them. */
function stageTruth(run: ShapesRun, generation: number): GroundTruthRecord[] {
  return run.truth
    .filter((record) => record.stream && record.max_tokens === generation)
    .sort((a, b) => a.arrived_at_ms - b.arrived_at_ms);
}

function stageResult(run: ShapesRun, name: string): StageResults {
  const stage = run.document.results.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return stage;
}

/** The planned offsets of a stage (ms), as runStage drew them: same seed, same stage position. */
function plannedOffsets(run: ShapesRun, name: string): number[] {
  const stages = run.document.configuration.stages;
  const index = stages.findIndex((s) => s.name === name);
  const plan = planArrivals(stages[index]!, run.document.configuration.seed, index);
  if (plan.kind !== 'open') throw new Error('expected an open-loop stage');
  return Array.from({ length: stages[index]!.iterations }, (_, i) => plan.offsetMs(i));
}

/** Defines the specifications of the shapes for one run (made in the caller's beforeAll). */
export function shapeSpecifications(getRun: () => ShapesRun): void {
  it('runs every stage to the end, and passes', () => {
    const run = getRun();
    expect(run.document.error).toBeNull();
    expect(run.verdict).toBe('pass');
    for (const [name, shape] of [
      ['constant', SHAPE_STAGES.constant],
      ['poisson', SHAPE_STAGES.poisson],
      ['gamma', SHAPE_STAGES.gamma],
      ['closed', SHAPE_STAGES.concurrency],
      ['ramp', SHAPE_STAGES.ramp],
    ] as const) {
      expect({ name, server: stageTruth(run, shape.generation).length }).toEqual({
        name,
        server: shape.iterations,
      });
      expect(stageResult(run, name).fired_requests).toBe(shape.iterations);
    }
  });

  it('records the shape of each stage in results.json, the seed with it', () => {
    const run = getRun();
    expect(run.document.configuration.seed).toBe(7);
    expect(stageResult(run, 'poisson').load_shape).toMatchObject({
      loop: 'open',
      description: 'poisson 20/s',
      arrival: 'poisson',
      burstiness: null,
      seed: 7,
      concurrency: null,
      pause_ms: null,
      ramp_to_rate: null,
    });
    expect(stageResult(run, 'gamma').load_shape).toMatchObject({
      description: 'gamma b=0.5 20/s',
      arrival: 'gamma',
      burstiness: 0.5,
    });
    expect(stageResult(run, 'closed').load_shape).toMatchObject({
      loop: 'closed',
      description: 'concurrency 8',
      arrival: null,
      concurrency: 8,
      pause_ms: 0,
      planned_duration_ms: null,
      planned_rate_rps: null,
    });
    const ramp = stageResult(run, 'ramp').load_shape;
    expect(ramp).toMatchObject({ description: 'ramp 10→50/s', ramp_to_rate: 50 });
    // 299 gaps over T = 2 × 299 / (10 + 50) s: a mean of 30/s.
    expect(ramp.planned_duration_ms).toBeCloseTo((2 * 299 * 1000) / 60, 6);
    expect(ramp.planned_rate_rps).toBeCloseTo(30, 6);
    // Achieved from the client's own dispatch times: the schedule is kept to a few ms over ~10 s.
    expect(Math.abs(ramp.achieved_rate_rps! / 30 - 1)).toBeLessThan(0.05);
    const constant = stageResult(run, 'constant').load_shape;
    expect(constant).toMatchObject({ description: 'constant 50/s', planned_rate_rps: 50 });
    expect(Math.abs(constant.achieved_rate_rps! / 50 - 1)).toBeLessThan(0.05);
  });

  it('poisson: the gaps the server saw pass a KS test against the exponential at the configured rate', () => {
    const run = getRun();
    const rate = 1 / (SHAPE_STAGES.poisson.gapSeconds * 1000); // per ms
    // The schedule itself (fixed by the seed) fits well, so the server's view has margin for the
    // dispatch lag: on a loaded 2-core machine it reaches tens of ms at p99, and a gap's error is the
    // difference of two lags, which moves the empirical CDF by about rate × that error. At 20/s
    // (gaps of 50 ms on average) and a 0.1 % level, that margin holds.
    const planned = gapsOf(plannedOffsets(run, 'poisson'));
    expect(ksPValue(planned, exponentialCdf(rate))).toBeGreaterThan(0.2);
    const seen = gapsOf(stageTruth(run, SHAPE_STAGES.poisson.generation).map((r) => r.arrived_at_ms));
    expect(ksPValue(seen, exponentialCdf(rate))).toBeGreaterThan(0.001);
  });

  it('constant: the same test rejects the fixed gaps at the same rate', () => {
    const run = getRun();
    const rate = 1 / (SHAPE_STAGES.constant.gapSeconds * 1000);
    const seen = gapsOf(stageTruth(run, SHAPE_STAGES.constant.generation).map((r) => r.arrived_at_ms));
    expect(ksPValue(seen, exponentialCdf(rate))).toBeLessThan(1e-6);
  });

  it('gamma: the coefficient of variation of the gaps is 1/√burstiness', () => {
    const run = getRun();
    const { burstiness, iterations, gapSeconds } = SHAPE_STAGES.gamma;
    const expectedCv = 1 / Math.sqrt(burstiness);
    // Standard error of a gamma sample's CV, relative: √((2.5/b + 0.5)/n); 4 of them.
    const tolerance = 4 * Math.sqrt((2.5 / burstiness + 0.5) / (iterations - 1));
    const planned = meanAndCv(gapsOf(plannedOffsets(run, 'gamma')));
    const seen = meanAndCv(
      gapsOf(stageTruth(run, SHAPE_STAGES.gamma.generation).map((r) => r.arrived_at_ms)),
    );
    expect(Math.abs(planned.cv / expectedCv - 1)).toBeLessThan(tolerance);
    expect(Math.abs(seen.cv / expectedCv - 1)).toBeLessThan(tolerance);
    // What the server saw is the schedule, up to the dispatch lag: within 5 % of the planned CV.
    expect(Math.abs(seen.cv / planned.cv - 1)).toBeLessThan(0.05);
    expect(Math.abs(seen.mean / (gapSeconds * 1000) - 1)).toBeLessThan(tolerance);
  });

  it('concurrency 8: never 9 in flight, and fewer than 8 only between a completion and the next arrival', () => {
    const run = getRun();
    const requests = stageTruth(run, SHAPE_STAGES.concurrency.generation);
    const events = [
      ...requests.map((r) => ({ atMs: r.arrived_at_ms, delta: +1 })),
      ...requests.map((r) => ({ atMs: r.ended_at_ms!, delta: -1 })),
    ].sort((a, b) => a.atMs - b.atMs || a.delta - b.delta); // at a tie, the end first
    const eighthArrivalMs = requests[7]!.arrived_at_ms;
    const lastArrivalMs = requests[requests.length - 1]!.arrived_at_ms;
    let inFlight = 0;
    let peak = 0;
    let shortSinceMs: number | undefined;
    const shortStretchesMs: number[] = [];
    for (const event of events) {
      inFlight += event.delta;
      peak = Math.max(peak, inFlight);
      if (event.atMs < eighthArrivalMs || event.atMs > lastArrivalMs) continue;
      if (inFlight < 8 && shortSinceMs === undefined) shortSinceMs = event.atMs;
      if (inFlight >= 8 && shortSinceMs !== undefined) {
        shortStretchesMs.push(event.atMs - shortSinceMs);
        shortSinceMs = undefined;
      }
    }
    expect(peak).toBe(8);
    expect(stageResult(run, 'closed').peak_in_flight).toBe(8);
    // Each stretch below 8 is one hand-over: the client reading the end, then sending the next
    // request (a few ms; a stalled event loop on a busy machine, at worst some hundred).
    expect(shortStretchesMs.length).toBeLessThanOrEqual(requests.length - 8);
    expect(Math.max(0, ...shortStretchesMs)).toBeLessThan(500);
    // Requests last ~100 ms: the hand-overs take a small part of the stage.
    const shortMs = shortStretchesMs.reduce((sum, ms) => sum + ms, 0);
    expect(shortMs / (lastArrivalMs - eighthArrivalMs)).toBeLessThan(0.25);
  });

  it('ramp: the achieved rate follows the planned line within 5 %', () => {
    const run = getRun();
    const planned = plannedOffsets(run, 'ramp');
    const seen = stageTruth(run, SHAPE_STAGES.ramp.generation).map((r) => r.arrived_at_ms);
    // Windows of 50 requests (1 s at the top rate, 5 s at the bottom): the rate over each, planned (the
    // line's mean over the window) against achieved. 5 % of 1 s is 50 ms: more than two lags at p99.
    const window = 50;
    const ratios: number[] = [];
    for (let start = 0; start + window < seen.length; start += window) {
      const plannedRate = window / (planned[start + window]! - planned[start]!);
      const achievedRate = window / (seen[start + window]! - seen[start]!);
      ratios.push(achievedRate / plannedRate);
    }
    expect(ratios.length).toBe(5);
    for (const ratio of ratios) expect(Math.abs(ratio - 1)).toBeLessThan(0.05);
    // And the line itself, from 10/s to 50/s: the first window averages 16.2/s, the last 47.9/s.
    const perSecond = (from: number, to: number): number =>
      ((to - from) * 1000) / (planned[to]! - planned[from]!);
    expect(perSecond(0, window)).toBeCloseTo(16.2, 1);
    expect(perSecond(planned.length - 1 - window, planned.length - 1)).toBeCloseTo(47.9, 1);
  });

  it('logs an ETA for open-loop stages only', () => {
    const run = getRun();
    const finals = (name: string): string | undefined =>
      run.logLines.filter((line) => line.startsWith(`stage ${name}: `)).pop();
    expect(finals('ramp')).toMatch(/^stage ramp: 300\/300 sent, 300 done, 0 failed, 0 in flight, eta 0ms$/);
    expect(finals('closed')).toBe('stage closed: 120/120 sent, 120 done, 0 failed, 0 in flight');
  });
}

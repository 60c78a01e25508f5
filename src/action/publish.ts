/**
 * Publishing a node run: job summary, step outputs and artifact, in that order, on every path. A failed
 * upload is a warning that says where the files are, never a lost result.
 */
import { Outputs } from './constants.js';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { NodeRunOutcome } from '../run/benchmark.js';
import type { Summary } from '../metrics/stats.js';
import type { Ports } from '../core/ports.js';

/** Output name → value; every declared output gets a value. */
export type OutputValues = Record<string, string>;

function fixed(value: number | null | undefined, decimals: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : value.toFixed(decimals);
}

/**
 * The run's outputs. Counts are always numbers (0 when nothing ran); latencies are empty when no
 * request produced a sample (there is no honest number to give).
 */
export function runOutputs(outcome: NodeRunOutcome | undefined): OutputValues {
  const run = outcome?.document.results.run ?? null;
  const latency = (summary: Summary | undefined, key: 'p50' | 'p95'): string => fixed(summary?.[key], 2);
  return {
    [Outputs.Verdict]: outcome?.verdict ?? 'error',
    [Outputs.ResultsPath]: outcome?.resultsPath ?? '',
    [Outputs.SummaryPath]: outcome?.summaryPath ?? '',
    [Outputs.SuccessRate]: fixed(run?.success_rate ?? 0, 4),
    [Outputs.TotalRequests]: String(run?.total_requests ?? 0),
    [Outputs.SuccessfulRequests]: String(run?.successful_requests ?? 0),
    [Outputs.FailedRequests]: String(run?.failed_requests ?? 0),
    [Outputs.TotalTokens]: String(run?.total_tokens ?? 0),
    [Outputs.TtftP50Ms]: latency(run?.ttft_ms, 'p50'),
    [Outputs.TtftP95Ms]: latency(run?.ttft_ms, 'p95'),
    [Outputs.E2eP95Ms]: latency(run?.e2e_ms, 'p95'),
    [Outputs.OutputTokensPerSecond]: fixed(run?.output_tokens_per_second ?? 0, 2),
    [Outputs.BenchmarkSmallerPath]: outcome?.benchmarkSmallerPath ?? '',
    [Outputs.BenchmarkBiggerPath]: outcome?.benchmarkBiggerPath ?? '',
  };
}

/** Options of publishRun. */
export interface PublishOptions {
  upload: boolean;
  artifactName: string;
  outputDir: string;
  /** More files for the artifact (EXO's log). */
  extraFiles: string[];
}

/** Writes the summary and uploads the artifact; returns the artifact outputs. */
export async function publishRun(
  outcome: NodeRunOutcome,
  ports: Ports,
  options: PublishOptions,
): Promise<OutputValues> {
  await ports.summary.write(outcome.summaryMarkdown);
  const published: OutputValues = { [Outputs.ArtifactId]: '', [Outputs.ArtifactUrl]: '' };
  if (!options.upload) return published;
  const files = [
    outcome.resultsPath,
    outcome.requestsPath,
    outcome.summaryPath,
    outcome.reportPath,
    outcome.benchmarkSmallerPath,
    outcome.benchmarkBiggerPath,
    ...options.extraFiles,
  ].filter((file) => existsSync(file));
  try {
    const result = await ports.artifact.upload(options.artifactName, files, options.outputDir);
    published[Outputs.ArtifactId] = result.id === undefined ? '' : String(result.id);
    published[Outputs.ArtifactUrl] = result.url ?? '';
    ports.logger.info(
      `uploaded artifact ${options.artifactName} (${files.map((f) => basename(f)).join(', ')})`,
    );
  } catch (error) {
    ports.logger.warning(
      `could not upload artifact "${options.artifactName}": ${error instanceof Error ? error.message : String(error)}. ` +
        `The files are still in ${options.outputDir}.`,
    );
  }
  return published;
}

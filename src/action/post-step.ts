/**
 * The post step's work, over ports so tests can drive it with the runner's real files.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExoClient } from '../cluster/client.js';
import { deleteInstances } from '../cluster/orchestrate.js';
import { stopProcessGroup } from '../run/exo-process.js';
import { computeStatistics } from '../metrics/aggregate.js';
import type { RequestRecord } from '../metrics/record.js';
import type { Ports } from '../core/ports.js';
import { REQUESTS_FILE, SUMMARY_FILE } from '../results/files.js';
import { escapeMarkdownCell, table } from '../util/markdown.js';
import { formatNumber } from '../report/summary.js';
import { systemClock } from '../util/clock.js';
import { State } from './constants.js';
import { createActionPorts } from './ports.js';

/** Instances main placed and had not confirmed deleted. */
interface PlacedState {
  apiUrl: string;
  instanceIds: string[];
}

function parsePlaced(text: string): PlacedState | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as PlacedState;
    return typeof value.apiUrl === 'string' && Array.isArray(value.instanceIds) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What the post step did, for tests and the log. */
export interface PostStepReport {
  skipped: boolean;
  deletedInstances: string[];
  undeletedInstances: string[];
  exo: 'none' | 'not-running' | 'terminated' | 'killed';
  partialSummary: boolean;
  /** ID of the artifact of partial results, when one was uploaded. */
  artifactId?: number;
}

/** The records main appended before it died; a line cut short by the kill is skipped. */
function readRecords(requestsPath: string): RequestRecord[] {
  if (!existsSync(requestsPath)) return [];
  return readFileSync(requestsPath, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as RequestRecord] : [];
      } catch {
        return [];
      }
    });
}

/** Per-stage counts and latencies of the records, in stage order (warmup excluded, as in the summary). */
function partialStagesTable(records: RequestRecord[]): string | undefined {
  const byStage = new Map<string, RequestRecord[]>();
  for (const record of records) byStage.set(record.stage, [...(byStage.get(record.stage) ?? []), record]);
  if (byStage.size === 0) return undefined;
  const rows = [...byStage].map(([stage, stageRecords]) => {
    const stats = computeStatistics(stageRecords);
    return [
      escapeMarkdownCell(stage),
      String(stats.total_requests),
      String(stats.successful_requests),
      String(stats.failed_requests),
      formatNumber(stats.ttft_ms.p50),
      formatNumber(stats.ttft_ms.p95),
      formatNumber(stats.e2e_ms.p95),
    ];
  });
  return `### Requests recorded before the interruption\n\n${table(
    ['Stage', 'Requests', 'Successful', 'Failed', 'TTFT p50 (ms)', 'TTFT p95 (ms)', 'E2E p95 (ms)'],
    rows,
  )}`;
}

/** Cleans up after a main step that did not finish; does nothing after one that did. */
export async function runPostStep(ports: Ports = createActionPorts()): Promise<PostStepReport> {
  const report: PostStepReport = {
    skipped: false,
    deletedInstances: [],
    undeletedInstances: [],
    exo: 'none',
    partialSummary: false,
  };
  if (ports.state.get(State.CleanedUp) === 'true') {
    ports.logger.info('exo-bench: the main step cleaned up; nothing to do');
    return { ...report, skipped: true };
  }
  const placed = parsePlaced(ports.state.get(State.PlacedInstances));
  if (placed && placed.instanceIds.length > 0) {
    const context = {
      client: new ExoClient(placed.apiUrl, { callTimeoutMs: 10_000 }),
      clock: systemClock,
      logger: ports.logger,
      pollIntervalMs: 400,
      progressIntervalMs: 5_000,
    };
    const left = await deleteInstances(context, placed.instanceIds, systemClock.nowMs() + 30_000);
    report.undeletedInstances = left;
    report.deletedInstances = placed.instanceIds.filter((id) => !left.includes(id));
  }
  const pid = Number(ports.state.get(State.ExoPid));
  if (Number.isInteger(pid) && pid > 0) {
    report.exo = await stopProcessGroup(pid);
    ports.logger.info(`exo-bench post: EXO process group ${pid}: ${report.exo}`);
  }
  if (ports.state.get(State.MainFinished) === 'true') {
    // Main ended on its own (an input or config error, a failed run) and published its summary.
    ports.logger.info(
      'exo-bench post: the main step finished and published its own summary; nothing to publish',
    );
    return report;
  }
  const outputDir = ports.state.get(State.OutputDir);
  if (outputDir && existsSync(outputDir) && !existsSync(join(outputDir, SUMMARY_FILE))) {
    // Main died before publishing: say so, with what it recorded, and keep the files as the artifact.
    const records = readRecords(join(outputDir, REQUESTS_FILE));
    const recorded = records.length;
    const files = readdirSync(outputDir);
    const stages = partialStagesTable(records);
    const markdown =
      `## exo-bench: 💥 interrupted\n\nThe main step did not finish. ${recorded} request record${recorded === 1 ? ' was' : 's were'} written to \`requests.jsonl\`` +
      `${report.deletedInstances.length ? `; the post step deleted ${report.deletedInstances.length} instance(s)` : ''}. Files left: ${files.map((f) => `\`${f}\``).join(', ') || 'none'}.\n` +
      (stages ? `\n${stages}\n` : '');
    await ports.summary.write(markdown);
    writeFileSync(join(outputDir, SUMMARY_FILE), markdown);
    report.partialSummary = true;
    const artifactName = ports.state.get(State.ArtifactName);
    if (artifactName) {
      const uploads = readdirSync(outputDir)
        .map((file) => join(outputDir, file))
        .filter((file) => /\.(json|jsonl|md|html|log)$/.test(file));
      try {
        const result = await ports.artifact.upload(artifactName, uploads, outputDir);
        if (result.id !== undefined) report.artifactId = result.id;
        ports.logger.info(`exo-bench post: uploaded the partial results as artifact ${artifactName}`);
      } catch (error) {
        ports.logger.warning(
          `exo-bench post: could not upload artifact "${artifactName}": ${error instanceof Error ? error.message : String(error)}. The files are still in ${outputDir}.`,
        );
      }
    }
  }
  return report;
}

/**
 * The post step's work, over ports so tests can drive it with the runner's real files.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExoClient } from '../cluster/client.js';
import { deleteInstances } from '../cluster/orchestrate.js';
import { stopProcessGroup } from '../exo-process.js';
import type { Ports } from '../ports.js';
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
  const outputDir = ports.state.get(State.OutputDir);
  if (outputDir && existsSync(outputDir) && !existsSync(join(outputDir, 'summary.md'))) {
    // Main died before publishing: say so, with what it recorded.
    const requestsPath = join(outputDir, 'requests.jsonl');
    const recorded = existsSync(requestsPath)
      ? readFileSync(requestsPath, 'utf8').split('\n').filter(Boolean).length
      : 0;
    const files = readdirSync(outputDir);
    await ports.summary.write(
      `## exo-bench: 💥 interrupted\n\nThe main step did not finish. ${recorded} request record${recorded === 1 ? ' was' : 's were'} written to \`requests.jsonl\`` +
        `${report.deletedInstances.length ? `; the post step deleted ${report.deletedInstances.length} instance(s)` : ''}. Files left: ${files.map((f) => `\`${f}\``).join(', ') || 'none'}.\n`,
    );
    report.partialSummary = true;
  }
  return report;
}

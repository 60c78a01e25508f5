/**
 * The merge use case both shells call (`exo-bench merge`, the action's `mode: merge`): the nodes of one
 * run → one results.json, requests.jsonl, summary.md and report.html for the whole run, with the
 * thresholds and the baseline comparison judged on the merged records, and a verdict. The result has
 * the shape of a node run's outcome, so the shells publish it the same way (outputs, artifact).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { NodeRunOutcome } from '../run/benchmark.js';
import type { Logger } from '../core/ports.js';
import { outputPaths } from '../results/files.js';
import { writeReports } from '../report/write.js';
import { evaluateGates, type BaselineInput } from '../verdict/index.js';
import { judgeVerdict } from '../verdict/validity.js';
import { mergeNodeResults, type MissingNode } from './merge.js';
import type { NodeResult } from './read.js';

export { readNodeFolder, type NodeResult } from './read.js';
export { mergeNodeResults, nodeKey, type MergedRecord, type MergedRun, type MissingNode } from './merge.js';

/** What a merge needs besides the nodes. */
export interface MergeOptions {
  outputDir: string;
  logger: Logger;
  /** Nodes that could not be read (a missing or broken artifact), reported in the merged result. */
  missing?: MissingNode[];
  /** A baseline to compare the merged result with (src/verdict/baseline.ts). */
  baseline?: BaselineInput;
}

/**
 * Merges the nodes and writes the run's files into `outputDir`. Throws InputError when the nodes do
 * not belong together (see mergeNodeResults); every other problem is in the verdict.
 */
export function runMerge(nodes: readonly NodeResult[], options: MergeOptions): NodeRunOutcome {
  const { document, records, runRecords } = mergeNodeResults(nodes, options.missing);
  const { logger } = options;
  for (const node of document.merge?.nodes ?? [])
    logger.info(
      `node ${node.node}${node.is_primary ? ' (primary)' : ''}: ${node.fired_requests} request(s) from ${node.source}, verdict ${node.verdict}`,
    );
  for (const problem of document.merge?.problems ?? []) logger.error(problem);
  Object.assign(document, evaluateGates(document, runRecords, options.baseline, logger));
  document.verdict = judgeVerdict(document);
  mkdirSync(options.outputDir, { recursive: true });
  const paths = outputPaths(options.outputDir);
  writeFileSync(paths.requests, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  const written = writeReports(paths, options.outputDir, document, records);
  logger.info(
    `merged ${document.merge?.nodes.length ?? 0} node(s), ${records.length} request(s): verdict ${document.verdict}`,
  );
  return written;
}

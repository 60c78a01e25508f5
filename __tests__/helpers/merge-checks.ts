/**
 * What the merge tests (__tests__/merge, __tests__/e2e/merge, __tests__/e2e/load-from) check with:
 * a step's output for failure messages, an artifact's files, JSON lines, and an independent percentile.
 */
import { readZip, type UploadedArtifact } from './artifact-standin.js';
import type { StepResult } from '../e2e/runner.js';

/** A step's exit code and output, for a failing expectation to print in full. */
export function describeStep(step: StepResult): string {
  return `exit ${step.exitCode}\n${step.stdout}\n${step.stderr}`;
}

/** The files of an uploaded artifact, by name. */
export function artifactFiles(artifact: UploadedArtifact): Map<string, string> {
  return new Map(readZip(artifact.bytes).map((entry) => [entry.name, entry.data.toString('utf8')]));
}

/** The objects of a JSON-lines text (requests.jsonl). */
export function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** numpy's linear percentile, written again here so the check does not reuse the code it checks. */
export function linearPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * p) / 100;
  const i = Math.floor(h);
  const low = sorted[i] as number;
  return i + 1 < sorted.length ? low + (h - i) * ((sorted[i + 1] as number) - low) : low;
}

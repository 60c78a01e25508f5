/**
 * The trace files of a config's trace stages: read (relative to the config file, or absolute), parsed
 * (src/config/trace.ts) and checked against the stage, and the stage's derived fields filled in. Problems
 * inside a trace point at the trace file's line; problems with the file itself at the config's `trace`.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { ConfigProblem } from '../core/errors.js';
import { parseTrace, TRACE_LIMITS, traceOffsetsMs, type Trace } from './trace.js';
import { formatNumber, formatPath } from './describe.js';
import type { PathSegment } from './source.js';
import type { BenchConfig, StageConfig } from './types.js';

/** Where a trace path written in a config points: relative to the config file's folder. */
export function traceFilePath(configFile: string, trace: string): string {
  return isAbsolute(trace) ? trace : join(dirname(configFile), trace);
}

/** The text of a trace file, or why it cannot be read (a directory, too big, missing, unreadable). */
function readTraceFile(file: string): string | { problem: string } {
  try {
    const info = statSync(file);
    if (info.isDirectory()) return { problem: `${file} is a directory; expected a JSONL trace file` };
    if (info.size > TRACE_LIMITS.maxFileBytes) {
      return {
        problem: `expected a trace of at most ${TRACE_LIMITS.maxFileBytes / 1024 / 1024} MiB, found ${formatNumber(info.size)} bytes in ${file}; cut the trace`,
      };
    }
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return {
      problem:
        code === 'ENOENT'
          ? `no such trace file: looked for ${file} (a trace path is relative to the config file's folder)`
          : `cannot read the trace file ${file}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Reads the trace of every trace stage of `config` (mutated: each trace stage gets its iterations,
 * prompt_length, generation_length and time_between_requests). Returns the traces by stage name and
 * every problem found.
 */
export function loadStageTraces(
  config: BenchConfig,
  configFile: string,
  /** Wrote `iterations` explicitly in stage `index`. */
  iterationsWritten: (index: number) => boolean,
  positionOf: (path: readonly PathSegment[], at: 'key' | 'value') => { line: number; column: number },
): { traces: Map<string, Trace>; problems: ConfigProblem[] } {
  const traces = new Map<string, Trace>();
  const problems: ConfigProblem[] = [];
  config.stages.forEach((stage, index) => {
    if (stage.trace === undefined) return;
    const atConfig = (key: string, message: string): ConfigProblem => {
      const path = ['stages', index, key];
      return { file: configFile, ...positionOf(path, 'value'), path: formatPath(path), message };
    };
    const file = traceFilePath(configFile, stage.trace);
    const text = readTraceFile(file);
    if (typeof text !== 'string') {
      problems.push(atConfig('trace', text.problem));
      return;
    }
    const parsed = parseTrace(text);
    for (const problem of parsed.problems) {
      problems.push({
        file,
        line: problem.line,
        column: problem.line > 0 ? 1 : 0,
        path: problem.field,
        message: `${problem.message} (trace of stages[${index}])`,
      });
    }
    if (parsed.problems.length > 0) return;
    const available = parsed.requests.length;
    if (iterationsWritten(index) && stage.iterations > available) {
      problems.push(
        atConfig(
          'iterations',
          `expected at most ${formatNumber(available)} (the requests of the trace ${stage.trace}), found ${formatNumber(stage.iterations)}; iterations replays the first N requests of a trace`,
        ),
      );
      return;
    }
    const count = iterationsWritten(index) ? stage.iterations : available;
    const requests = parsed.requests.slice(0, count);
    if (stage.warmup_requests >= count) {
      problems.push(
        atConfig(
          'warmup_requests',
          `expected an integer < the requests replayed (${formatNumber(count)}), found ${formatNumber(stage.warmup_requests)}; at least one request of the stage must be measured`,
        ),
      );
      return;
    }
    deriveTraceStage(stage, requests.length, requests, stage.trace_speed ?? 1);
    traces.set(stage.name, { file, requests });
  });
  return { traces, problems };
}

/** A trace stage's config figures from its requests: rounded mean lengths, the mean gap (seconds). */
function deriveTraceStage(
  stage: StageConfig,
  count: number,
  requests: Trace['requests'],
  speed: number,
): void {
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  const offsets = traceOffsetsMs(requests, speed);
  stage.iterations = count;
  stage.prompt_length = Math.max(1, Math.round(mean(requests.map((request) => request.input_length))));
  stage.generation_length = Math.max(1, Math.round(mean(requests.map((request) => request.output_length))));
  const spanMs = offsets[offsets.length - 1] ?? 0;
  stage.time_between_requests = count > 1 ? spanMs / (count - 1) / 1000 : 0;
}

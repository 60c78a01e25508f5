/** Shared by the pre-flight tests: a logger that records lines, and a clock the test drives. */
import type { Logger } from '../../src/core/ports.js';

/** A Logger that keeps every line, prefixed with its level, for assertions. */
export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => void lines.push(`info: ${message}`),
    warning: (message) => void lines.push(`warning: ${message}`),
    error: (message) => void lines.push(`error: ${message}`),
    debug: (message) => void lines.push(`debug: ${message}`),
    async group(name, fn) {
      lines.push(`group: ${name}`);
      try {
        return await fn();
      } finally {
        lines.push('endgroup');
      }
    },
  };
}

/** A clock that moves only when something sleeps on it: waits take no real time. */
export interface DrivenClock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every sleep requested, in ms. */
  sleeps: number[];
  /** Moves time forward without a sleep (e.g. time spent inside a request). */
  advance(ms: number): void;
}

export function drivenClock(startMs = 1_700_000_000_000): DrivenClock {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    now: () => nowMs,
    sleeps,
    advance(ms) {
      nowMs += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw new Error('aborted');
      sleeps.push(ms);
      nowMs += ms;
    },
  };
}

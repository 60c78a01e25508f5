/**
 * What the load generator costs the machine: its process's CPU time (process.cpuUsage(), user + system)
 * between two marks, against the wall time between them and the requests sent. Wall time is read from the
 * real clock, never an injected one: CPU time is real, so the share must be too.
 */
import { availableParallelism } from 'node:os';
import { preciseNowMs } from '../util/clock.js';
import type { ClientCpuUsage } from './document.js';

/** A point in the process's life: its CPU time so far and the wall time. */
export interface CpuMark {
  /** User + system CPU time of the process so far, microseconds. */
  cpuUs: number;
  /** Wall time, epoch milliseconds. */
  wallMs: number;
}

/** The process's CPU time and the wall time, now. */
export function markCpu(): CpuMark {
  const usage = process.cpuUsage();
  return { cpuUs: usage.user + usage.system, wallMs: preciseNowMs() };
}

/** The CPU figures of the span between two marks in which `requests` requests were sent. */
export function clientCpuUsage(
  from: CpuMark,
  to: CpuMark,
  requests: number,
  includesSimulatedServer: boolean,
  cores: number = availableParallelism(),
): ClientCpuUsage {
  const cpuSeconds = Math.max(0, to.cpuUs - from.cpuUs) / 1e6;
  const wallSeconds = Math.max(0, to.wallMs - from.wallMs) / 1000;
  return {
    client_cpu_seconds: cpuSeconds,
    wall_seconds: wallSeconds,
    requests,
    client_cpu_seconds_per_1000_requests: requests > 0 ? (cpuSeconds * 1000) / requests : null,
    client_cpu_share: wallSeconds > 0 ? cpuSeconds / wallSeconds : null,
    cores: Math.max(1, cores),
    includes_simulated_server: includesSimulatedServer,
  };
}

/**
 * How long a config's load lasts, from the config alone: what a secondary waits for (the primary runs
 * the stages meanwhile) and what the simulated stand-in primary holds its instances for.
 */
import type { BenchConfig, StageConfig } from '../config/types.js';
import { scheduledStageMs } from './arrivals.js';

/**
 * Total time the stages are scheduled to take, ms (closed-loop stages count their pauses only): a lower
 * bound of the primary's load. A capacity search counts its first probe only (at `min`, the one it
 * always runs; a concurrency probe's length depends on the server: 0).
 */
export function scheduledLoadMs(config: BenchConfig): number {
  return config.stages.reduce((sum, stage, index) => {
    const search = stage.search;
    if (!search) return sum + scheduledStageMs(stage, config.seed, index);
    return sum + (search.rate ? ((search.probe_requests - 1) / search.rate.min) * 1000 : 0);
  }, 0);
}

/**
 * How much longer than its schedule the primary's load may take, ms: a capacity search's probes beyond
 * the first (each at most the length of a probe at `min`), and a concurrency search's probes whole
 * (each at most ⌈probe_requests ÷ min⌉ requests one after another, each within its deadline).
 */
export function unscheduledLoadMs(config: BenchConfig): number {
  const requestMs = config.request_timeout_seconds * 1000;
  return config.stages.reduce((sum, stage) => {
    const search = stage.search;
    if (!search) return sum;
    if (search.rate)
      return sum + (search.max_probes - 1) * ((search.probe_requests / search.rate.min) * 1000 + requestMs);
    const min = search.concurrency?.min ?? 1;
    return sum + search.max_probes * Math.ceil(search.probe_requests / min) * requestMs;
  }, 0);
}

/** Both bounds, as src/cluster/phase.ts's waitForPrimaryToFinish takes them. */
export function primaryLoadLength(config: BenchConfig): { scheduledMs: number; unscheduledMs: number } {
  return { scheduledMs: scheduledLoadMs(config), unscheduledMs: unscheduledLoadMs(config) };
}

/**
 * The longest a stage the primary sends alone under `load_from: all_nodes` (isPrimaryOnlyStage: a
 * closed loop or a capacity search) may take, ms, from the config alone: part of what a secondary waits
 * for the next stage's start. `requestMs` is a request's deadline, `drainMs` the bound of one drain of
 * the cluster. Closed loop: each slot's ⌈iterations ÷ slots⌉ requests one after another, each within its
 * deadline and followed by its pause, then a drain. Capacity search: `max_probes` probes, each its
 * requests (a rate probe: probe_requests at ≥ `min` per second, then the last one's deadline; a
 * concurrency probe: ⌈probe_requests ÷ min⌉ requests one after another) and a drain.
 */
export function primaryOnlyStageMaxMs(
  stage: Pick<StageConfig, 'iterations' | 'concurrency' | 'no_overlap' | 'time_between_requests' | 'search'>,
  requestMs: number,
  drainMs: number,
): number {
  const search = stage.search;
  if (search) {
    const probeMs = search.rate
      ? (search.probe_requests / search.rate.min) * 1000 + requestMs
      : Math.ceil(search.probe_requests / (search.concurrency?.min ?? 1)) * requestMs;
    return search.max_probes * (probeMs + drainMs);
  }
  const slots = stage.no_overlap ? 1 : Math.max(1, stage.concurrency ?? 1);
  const pauseMs = (stage.time_between_requests ?? 0) * 1000;
  return Math.ceil(stage.iterations / slots) * (requestMs + pauseMs) + drainMs;
}

/**
 * V8's memory reducer, off for the benchmark's process. On a heap that grew by a megabyte before its first
 * full GC (any process that has just loaded the bundle), V8 arms a timer and, about 8 s later, runs up
 * to three full GCs to hand memory back to the system: a pause of 2–7 ms each (`node --trace-gc`:
 * "Mark-Compact (reduce)"), landing in the middle of a stage. A first token read during such a pause is
 * timestamped that late: at the EXO-like light load it was the largest TTFT error of most runs (bench/
 * README.md, issue #17: TTFT error p99 5.35 ms with it, 1.40 ms without, 6 alternating rounds). A load
 * generator's heap is small and short-lived; handing memory back is not worth its measurements.
 *
 * V8 reads this flag when the old generation first grows, so it must be set before the bundle's code
 * is loaded: the entries (src/cli/main.ts, src/action/main.ts) call this, then import the rest.
 * `--memory-reducer-for-small-heaps` exists in the V8 of Node 20 and 24 (both tested in CI).
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flag {@link disableMemoryReducer} sets. */
export const MEMORY_REDUCER_OFF_FLAG = '--no-memory-reducer-for-small-heaps';

/** Turns V8's memory reducer off for this process; call before loading anything large. */
export function disableMemoryReducer(): void {
  setFlagsFromString(MEMORY_REDUCER_OFF_FLAG);
}

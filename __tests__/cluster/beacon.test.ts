/**
 * A secondary's wait for the primary's stage start (load_from: all_nodes, src/cluster/beacon.ts), over
 * a scripted `/state`: it returns the published start as soon as the beacon's task shows, ends at once
 * with a ClusterError when the run's instances are gone (the primary's run ended), and times out at its
 * deadline. The primary's side runs against the simulator in __tests__/e2e/load-from.test.ts and
 * __tests__/report/results-schema.test.ts.
 */
import { awaitStageStart, beaconText } from '../../src/cluster/beacon.js';
import type { ExoClient } from '../../src/cluster/client.js';
import type { ClusterContext } from '../../src/cluster/orchestrate.js';
import { ClusterError } from '../../src/core/errors.js';
import { systemClock } from '../../src/util/clock.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

/** A client whose `/state/<path>` answers come from `answer(path, poll)`; counts the task polls. */
function scriptedContext(answer: (path: string, poll: number) => unknown): {
  context: ClusterContext;
  polls: () => number;
} {
  let polls = 0;
  const client = {
    statePath: (path: string): Promise<unknown> => {
      if (path === 'tasks') polls += 1;
      // A throw in `answer` is a rejected read, as a failed HTTP call would be.
      return new Promise((resolve) => resolve(answer(path, polls)));
    },
  } as unknown as ExoClient;
  return {
    context: {
      client,
      clock: systemClock,
      logger: new MemoryLogger(),
      pollIntervalMs: 1,
      progressIntervalMs: 60_000,
    },
    polls: () => polls,
  };
}

const task = (content: string, status = 'Running') => ({
  TextGeneration: { taskStatus: status, taskParams: { input: [{ role: 'user', content }] } },
});

describe('awaitStageStart', () => {
  it("returns the start the primary published, once its beacon's task shows in /state", async () => {
    const { context, polls } = scriptedContext((path, poll) =>
      path === 'instances'
        ? { i1: {} }
        : poll < 4
          ? { other: task(beaconText('run-a', 0, 1_000)), mine: task(beaconText('run-b', 1, 2_000)) }
          : { late: task(beaconText('run-b', 2, 3_000.5), 'Cancelled') },
    );
    const start = await awaitStageStart(context, 'run-b', 2, systemClock.nowMs() + 30_000, ['i1']);
    expect(start).toBe(3_000.5);
    expect(polls()).toBe(4);
  });

  it('ends at once when the run’s instances are gone: no start will come', async () => {
    const { context, polls } = scriptedContext((path, poll) =>
      path === 'instances' ? (poll < 3 ? { i1: {}, i2: {} } : { unrelated: {} }) : {},
    );
    await expect(
      awaitStageStart(context, 'run', 1, systemClock.nowMs() + 30_000, ['i1', 'i2']),
    ).rejects.toThrow(
      new ClusterError(
        "The run's instances are gone before the primary published the start of stage 1 (load_from: all_nodes): the primary's run ended",
      ),
    );
    expect(polls()).toBe(3);
  });

  it('a failed read of the instances proves nothing; the deadline ends the wait', async () => {
    const { context } = scriptedContext((path) => {
      if (path === 'instances') throw new Error('connection refused');
      return {};
    });
    await expect(awaitStageStart(context, 'run', 0, systemClock.nowMs() + 50, ['i1'])).rejects.toThrow(
      'Timed out waiting for the primary',
    );
  });
});

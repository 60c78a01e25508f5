/**
 * Master elections (exo-api.md 1.3, 12.2), after EXO's src/exo/shared/election.py: a node joining or
 * leaving starts a campaign lasting `electionMs`; while it runs, commands wait. The winner is the
 * greatest (seniority, commands seen, node ID): seniority is 1,000,000 for `--force-master`, else
 * the size of the largest election the node won (1 after its own start-up campaign), so a sitting
 * master keeps winning against newcomers; between equals the node that saw more commands wins, then
 * the greater node ID. A master that changes starts from an empty state.
 */
import type { SimNode } from './cluster.js';

/** Seniority of a node started with `--force-master` / `-m`. */
export const FORCED_MASTER_SENIORITY = 1_000_000;

/** Who wins between nodes equal on seniority and commands seen. */
export type ElectionTieBreak = 'node_id' | 'newest';

/** The election state of the cluster. */
export class Election {
  /** Index of the current master (null before the first node started). */
  masterIndex: number | null = null;
  /** Epoch ms at which the running campaign ends (0: none running). */
  endsAtMs = 0;
  /** How many campaigns have ended (observable through the control server). */
  completed = 0;
  private timer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  private settledPromise: Promise<void> | null = null;

  constructor(
    private readonly durationMs: number,
    private readonly tieBreak: ElectionTieBreak,
    private readonly candidates: () => SimNode[],
    /** Called when a campaign ends with a winner; `changed` when the master is another node. */
    private readonly onResult: (winner: SimNode, changed: boolean) => void,
  ) {}

  /** True while a campaign runs. */
  get running(): boolean {
    return this.timer !== null;
  }

  /** Null when no campaign runs (the fast path of every command), else a promise of its end. */
  settled(): Promise<void> | null {
    if (this.timer === null) return null;
    return (this.settledPromise ??= new Promise((resolve) => this.waiters.push(resolve)));
  }

  /**
   * A node joined or left: a new campaign starts (cancelling a running one, as EXO's clock bump does).
   * With `durationMs` 0 it resolves at once.
   */
  trigger(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A node's start-up campaign has no timeout (election.py: campaign_timeout=0.0).
    if (this.durationMs <= 0 || (this.masterIndex === null && this.candidates().length <= 1)) {
      this.finish();
      return;
    }
    this.endsAtMs = Date.now() + this.durationMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.finish();
    }, this.durationMs);
    this.timer.unref();
  }

  /** The winner among `nodes` by EXO's ordering (exposed for tests of the rule). */
  static winner(nodes: SimNode[], tieBreak: ElectionTieBreak): SimNode | null {
    let best: SimNode | null = null;
    for (const node of nodes) {
      if (!best) {
        best = node;
        continue;
      }
      const d =
        node.seniority - best.seniority ||
        node.commandsSeen - best.commandsSeen ||
        (tieBreak === 'newest'
          ? node.startedSeq - best.startedSeq
          : node.id < best.id
            ? -1
            : node.id > best.id
              ? 1
              : 0);
      if (d > 0) best = node;
    }
    return best;
  }

  private finish(): void {
    this.endsAtMs = 0;
    const candidates = this.candidates();
    const winner = Election.winner(candidates, this.tieBreak);
    if (winner) {
      // election.py: the winner's seniority becomes max(seniority, number of candidates).
      winner.seniority = Math.max(winner.seniority, candidates.length);
      const changed = this.masterIndex !== winner.index;
      const first = this.masterIndex === null;
      this.masterIndex = winner.index;
      this.completed++;
      this.onResult(winner, changed && !first);
    }
    const waiters = this.waiters;
    this.waiters = [];
    this.settledPromise = null;
    for (const w of waiters) w();
  }

  /** Stops the timer (simulator shutdown); waiters are released. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const waiters = this.waiters;
    this.waiters = [];
    this.settledPromise = null;
    for (const w of waiters) w();
  }
}

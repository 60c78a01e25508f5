/**
 * Ground truth: what the simulator really did with every chat/bench request, so a benchmark's own
 * measurements can be checked against it (`GET /_simulator/requests`).
 */

/** How a request ended, from the server's side. */
export type RequestOutcome =
  | 'pending'
  | 'completed'
  | 'error_chunk'
  | 'eof'
  | 'http_error'
  | 'client_disconnected'
  | 'cancelled'
  | 'deleted';

/** One chat/bench request. Times are epoch ms with sub-ms precision (`timeOrigin + performance.now()`). */
export interface GroundTruthRecord {
  /** The command ID (`id` of the chunks), or a fresh UUID for requests rejected before one existed. */
  id: string;
  /** Request path, e.g. `/v1/chat/completions`. */
  endpoint: string;
  model: string | null;
  stream: boolean;
  /** Node (index) whose API received the request. */
  node_index: number;
  instance_id: string | null;
  /** When the request headers were parsed. */
  arrived_at_ms: number;
  /** When the first token was written to the socket (null if none was). */
  first_token_at_ms: number | null;
  /** When the last token was written to the socket (null if none was). */
  last_token_at_ms: number | null;
  /** When the response ended (or the client went away). */
  ended_at_ms: number | null;
  tokens_emitted: number;
  prompt_tokens: number;
  cached_tokens: number;
  max_tokens: number | null;
  finish_reason: string | null;
  http_status: number | null;
  outcome: RequestOutcome;
  /** The injected fault, if any (`http_error`, `stall`, …). */
  fault: string | null;
}

/** A bounded log of records, oldest dropped first. */
export class GroundTruthLog {
  private readonly buffer: GroundTruthRecord[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  add(record: GroundTruthRecord): void {
    if (this.capacity <= 0) return;
    if (this.buffer.length < this.capacity) {
      this.buffer.push(record);
      return;
    }
    // Full: overwrite the oldest slot (a ring) instead of shifting a million-entry array.
    this.buffer[this.start] = record;
    this.start = (this.start + 1) % this.capacity;
  }

  get size(): number {
    return this.buffer.length;
  }

  /** Records oldest first, from `offset` (0 = oldest kept), at most `limit`. */
  list(offset = 0, limit = Number.POSITIVE_INFINITY): GroundTruthRecord[] {
    const out: GroundTruthRecord[] = [];
    const n = this.buffer.length;
    for (let i = Math.max(0, offset); i < n && out.length < limit; i++) {
      const r = this.buffer[(this.start + i) % n];
      if (r) out.push(r);
    }
    return out;
  }

  clear(): void {
    this.buffer.length = 0;
    this.start = 0;
  }
}

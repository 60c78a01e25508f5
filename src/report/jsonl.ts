/**
 * requests.jsonl: one line per request, appended as it ends. Lines are batched and written with
 * synchronous writes every few milliseconds (never per token, never holding a run's worth in memory);
 * `close()` and a process `exit` hook flush the rest, so a crash loses at most what an abrupt kill takes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Appends JSON lines to a file. */
export class JsonlWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly flushOnExit = (): void => this.flush();
  /** Lines written so far (flushed or pending). */
  lines = 0;

  constructor(
    readonly path: string,
    private readonly flushIntervalMs = 20,
    private readonly maxPendingLines = 512,
  ) {
    this.fd = openSync(path, 'a');
    process.on('exit', this.flushOnExit);
  }

  /** Queues one value as a line. */
  append(value: unknown): void {
    if (this.closed) throw new Error(`${this.path} is closed`);
    this.pending.push(JSON.stringify(value));
    this.lines += 1;
    if (this.pending.length >= this.maxPendingLines) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes every queued line now. */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0 || this.closed) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    writeSync(this.fd, text);
  }

  /** Flushes and closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    process.removeListener('exit', this.flushOnExit);
    closeSync(this.fd);
  }
}

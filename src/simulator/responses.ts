/**
 * HTTP response plumbing shared by both flavours: JSON/error helpers and `ResponseContext`, which
 * wraps one `ServerResponse` so that writes after the client left are no-ops, headers can be delayed
 * (slow-headers fault) and SSE keep-alives know when the last byte went out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { GroundTruthRecord } from './ground-truth.js';
import type { Sequence } from './engine.js';
import type { DetailItem } from './validation.js';
import { nowMs } from './random.js';

/** `"<size in hex>\r\n"` heads of HTTP/1.1 body chunks, by size: token events repeat a few sizes. */
const CHUNK_HEADS: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);

function chunkHead(byteLength: number): string {
  if (byteLength >= CHUNK_HEADS.length) return `${byteLength.toString(16)}\r\n`;
  return (CHUNK_HEADS[byteLength] ??= `${byteLength.toString(16)}\r\n`);
}

/** Sends a JSON body with Content-Length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** EXO's handled-error envelope: `{"error":{"message","type":<reason phrase>,"param":null,"code"}}`. */
export function errorEnvelope(status: number, message: string): unknown {
  return { error: { message, type: STATUS_CODES[status] ?? 'Error', param: null, code: status } };
}

/** Sends EXO's error envelope. */
export function sendExoError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, errorEnvelope(status, message));
}

/** Sends FastAPI's 422. */
export function sendValidationError(res: ServerResponse, detail: DetailItem[]): void {
  sendJson(res, 422, { detail });
}

/** EXO's unhandled-exception answer: `500 text/plain Internal Server Error`. */
export function sendPlain500(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 21 });
  res.end('Internal Server Error');
}

/** Reads a request body (≤ `limitBytes`); resolves null if the client went away or sent too much. */
export function readBody(req: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (value: string | null): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        finish(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => finish(null));
    req.on('close', () => finish(settled ? null : Buffer.concat(chunks).toString('utf8')));
  });
}

/** Until when a node's API process is busy (epoch ms); see `NodeBusy` in cluster.ts. */
export interface BusyClock {
  untilMs: number;
}

const NEVER_BUSY: BusyClock = { untilMs: 0 };

/** One open HTTP response of a chat/bench request (or an `/instance/await` stream). */
export class ResponseContext {
  /** The socket is gone or the response ended: every write is dropped. */
  closed = false;
  /** Headers (and anything written before) are held back until this is true. */
  private headersReleased = true;
  private pending = '';
  private status = 200;
  private headers: Record<string, string> = {};
  /** Epoch ms of the last byte written (drives keep-alives). */
  lastWriteAtMs = nowMs();
  /** The sequence whose output this is, if any. */
  seq: Sequence | null = null;
  /** Called once when the response is finished or the client left. */
  onClosed: (() => void) | null = null;

  constructor(
    readonly res: ServerResponse,
    readonly nodeIndex: number,
    /** SSE responses get keep-alives. */
    readonly sse: boolean,
    readonly record: GroundTruthRecord | null,
    /** The serving node's busy clock: while busy (serving `/state`), writes wait for it. */
    private readonly busy: BusyClock = NEVER_BUSY,
  ) {
    res.on('close', () => this.handleClose());
    res.on('error', () => this.handleClose());
  }

  private handleClose(): void {
    if (this.closed && !this.onClosed) return;
    this.closed = true;
    const cb = this.onClosed;
    this.onClosed = null;
    cb?.();
  }

  /** Delays the status line until `release()` (slow-headers fault). */
  holdHeaders(): void {
    this.headersReleased = false;
  }

  /** Sends the held status line and whatever was written meanwhile. */
  release(): void {
    if (this.headersReleased) return;
    this.headersReleased = true;
    if (this.res.destroyed) return;
    if (this.headSet) {
      this.res.writeHead(this.status, this.headers);
      if (this.pending) this.res.write(this.pending);
      this.pending = '';
      if (this.endPending) this.res.end();
    }
  }

  private headSet = false;
  private endPending = false;

  /** Sets status and headers (sent now, or at `release()`). */
  head(status: number, headers: Record<string, string>): void {
    this.status = status;
    this.headers = headers;
    this.eventStream = Object.entries(headers).some(
      ([name, value]) => name.toLowerCase() === 'content-type' && value.startsWith('text/event-stream'),
    );
    this.headSet = true;
    const now = nowMs();
    if (this.headersReleased && now < this.busy.untilMs) {
      this.holdHeaders();
      setTimeout(() => this.release(), this.busy.untilMs - now);
      return;
    }
    if (this.headersReleased && !this.res.destroyed && !this.res.headersSent)
      this.res.writeHead(status, headers);
  }

  /**
   * Set by the runtime when the profile asks for write coalescing: text is appended to `pending` and
   * the runtime flushes every dirty context once per interval (fewer syscalls, coarser timing).
   */
  coalesce: ((ctx: ResponseContext) => void) | null = null;
  private coalescing = false;
  /** The socket of a chunked response whose header is out: body chunks go straight to it. */
  private directSocket: Socket | null = null;
  private headerFlushed = false;
  /** Whether `head()` declared `text/event-stream` (EXO's SSE and the openai flavour's alike). */
  private eventStream = false;

  /** Text written while the node was busy, sent when it is free again (null: none waiting). */
  private delayed: string | null = null;
  private endAfterDelayed = false;

  /** Writes body text; dropped once closed; held while the serving node is busy. */
  write(text: string): void {
    if (this.closed) return;
    const now = nowMs();
    this.lastWriteAtMs = now;
    if (this.delayed !== null || now < this.busy.untilMs) {
      if (this.delayed === null) {
        this.delayed = '';
        // Off the direct path until the held text is out (rawWrite takes the socket back).
        this.directSocket = null;
        this.scheduleDelayed(now);
      }
      this.delayed += text;
      return;
    }
    this.writeNow(text);
  }

  private scheduleDelayed(now: number): void {
    setTimeout(() => this.flushDelayed(), Math.max(0, this.busy.untilMs - now));
  }

  private flushDelayed(): void {
    const now = nowMs();
    if (now < this.busy.untilMs) return this.scheduleDelayed(now);
    const text = this.delayed ?? '';
    this.delayed = null;
    if (this.res.destroyed) return;
    if (text) this.writeNow(text);
    if (this.endAfterDelayed) {
      this.endAfterDelayed = false;
      this.finishEnd();
    }
  }

  private writeNow(text: string): void {
    if (!this.headersReleased) {
      this.pending += text;
      return;
    }
    if (this.coalesce) {
      this.pending += text;
      if (!this.coalescing) {
        this.coalescing = true;
        this.coalesce(this);
      }
      return;
    }
    this.rawWrite(text);
  }

  /**
   * The per-token path: one SSE event whose UTF-8 size the caller knows (no `Buffer.byteLength`),
   * written as latin1 when it is all ASCII (the same bytes, copied instead of UTF-8 encoded), with the
   * clock reading the caller took for the ground truth (no second one for the keep-alive bookkeeping).
   * Anything but a plain chunked stream (held headers, coalescing, first chunk) takes `write`.
   */
  writeEvent(text: string, byteLength: number, ascii: boolean, atMs: number): void {
    const socket = this.directSocket;
    if (
      socket === null ||
      this.coalesce !== null ||
      this.closed ||
      socket.destroyed ||
      atMs < this.busy.untilMs
    ) {
      this.write(text);
      return;
    }
    this.lastWriteAtMs = atMs;
    socket.write(chunkHead(byteLength) + text + '\r\n', ascii ? 'latin1' : 'utf8');
  }

  /** Sends what coalescing held back. */
  flushCoalesced(): void {
    this.coalescing = false;
    if (!this.pending || this.res.destroyed) return;
    const text = this.pending;
    this.pending = '';
    this.rawWrite(text);
  }

  /**
   * Once the header of a chunked response is out, body chunks go straight to the socket with our own
   * chunk framing: `res.write` costs a cork, a nextTick and a 3-buffer writev per call, which dominates
   * at tens of thousands of tokens per second. Ordering is safe because the direct path is only taken
   * when nothing of the response's own is waiting (see `takeSocket`): from then on both paths end in the
   * same socket's write queue.
   */
  private rawWrite(text: string): void {
    const socket = this.directSocket ?? this.takeSocket();
    if (socket !== null && !socket.destroyed) {
      socket.write(chunkHead(Buffer.byteLength(text)) + text + '\r\n');
      return;
    }
    this.res.write(text);
  }

  /**
   * The socket of an event-stream response, once its header is in the socket's queue and the response
   * holds nothing back. Node 24.22 keeps `res.write` data in the response's own buffer until the next
   * tick and merges what piled up into one chunk: writing to the socket meanwhile put a token ahead of
   * the status line, and waiting for the flush merged the first token into the role chunk. So the
   * header is flushed on its own first (`flushHeaders`), and the socket is used only once the
   * response's `writableLength` (its own buffer and the socket's queue) is zero. On Node 20 and 24
   * alike every body chunk then goes direct, the first included.
   */
  private takeSocket(): Socket | null {
    const res = this.res;
    const socket = res.socket;
    if (!this.eventStream || !socket || socket.destroyed) return null;
    if (!this.headerFlushed) {
      this.headerFlushed = true;
      res.flushHeaders();
    }
    if (!(res as unknown as { chunkedEncoding: boolean }).chunkedEncoding || res.writableLength !== 0) {
      return null;
    }
    this.directSocket = socket;
    return socket;
  }

  /** Ends the response (optionally with a last piece of text). */
  end(text?: string): void {
    if (this.closed) return;
    if (text) this.write(text);
    // No more writes (keep-alives included) from here on, even while the headers are held.
    this.closed = true;
    if (this.delayed !== null) {
      this.endAfterDelayed = true;
      return;
    }
    this.finishEnd();
  }

  private finishEnd(): void {
    if (!this.headersReleased) {
      this.endPending = true;
      return;
    }
    if (this.coalesce) this.flushCoalesced();
    this.res.end();
    // The 'close' event follows; onClosed runs there so the task lives until the socket is done.
  }

  /** Kills the connection without a proper end (node loss, injected truncation). */
  destroy(): void {
    this.closed = true;
    this.res.destroy();
  }
}

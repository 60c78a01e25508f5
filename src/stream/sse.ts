/**
 * Incremental Server-Sent Events decoding: bytes → lines → fields, with no per-event string building.
 *
 * This is the hot path of every streaming request (one call per token), so it works on bytes only:
 * a line that lies inside one network chunk is handed to the sink as a slice of that chunk, without a
 * copy; only a line that spans chunks is carried in one reusable buffer. UTF-8 sequences split across
 * chunks need no care because nothing is decoded until a sink asks for it.
 *
 * Framing follows the WHATWG EventSource rules: a line ends at CR, LF or CRLF (a CR at the end of one
 * chunk and an LF at the start of the next are one terminator); a leading UTF-8 BOM is skipped; a
 * field is `name:value` with one optional space after the colon; a line starting with `:` is a comment;
 * a blank line ends an event.
 */
import { Buffer } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
/** `bomBytesMatched` value once the start of the stream is behind us. */
const BOM_DONE = 3;

/** Default of {@link SseDecoderOptions.maxLineBytes}: far above any real chunk, far below a runaway body. */
export const DEFAULT_MAX_SSE_LINE_BYTES = 16 * 1024 * 1024;

/** Smallest carry buffer: a few partial events without a reallocation. */
const MIN_CARRY_BYTES = 1024;
/** A carry buffer grown past this is dropped after use, so thousands of idle streams stay small. */
const RETAINED_CARRY_BYTES = 64 * 1024;

// ignoreBOM: a BOM inside the stream is content (only the stream's first bytes may be a BOM, skipped by SseDecoder).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Receives decoded SSE fields from an {@link SseDecoder}.
 *
 * Slices (`buf`, `start`, `end`, end exclusive) are valid only during the call: `buf` is either the
 * caller's chunk or the decoder's reused carry buffer. Copy what must outlive the call.
 */
export interface SseSink {
  /**
   * The value of one `data:` line (after `data:` and one optional space). An event with several data
   * lines gives one call per line, in order, followed by `onEventEnd`; the SSE rule of joining them
   * with `\n` is left to sinks that need it (OpenAI-style servers send one data line per event).
   */
  onData(buf: Uint8Array, start: number, end: number): void;
  /** A comment line, after the `:` and one optional space (EXO sends `: keep-alive`, `: generation_stats {…}`). */
  onComment(buf: Uint8Array, start: number, end: number): void;
  /** A blank line: the end of an event. */
  onEventEnd?(): void;
  /**
   * Any field other than `data` (`event`, `id`, `retry`, and unknown names, which the SSE rules say to
   * ignore — the sink decides). Rare, so decoded to strings. A line without a colon is a field with an
   * empty value.
   */
  onOtherField?(name: string, value: string): void;
}

/** Options of {@link SseDecoder}. */
export interface SseDecoderOptions {
  /**
   * Longest line, terminator excluded, that is delivered. Longer lines are skipped without being
   * buffered and counted in {@link SseDecoder.oversizedLines}, so memory stays bounded on a huge line
   * or a body that never ends. Default {@link DEFAULT_MAX_SSE_LINE_BYTES} (16 MiB).
   */
  maxLineBytes?: number;
}

/**
 * Splits a byte stream into SSE lines and fields and hands them to an {@link SseSink}.
 *
 * Feed it with {@link push} as chunks arrive and call {@link end} at end of body. Never throws on any
 * input (exceptions thrown by the sink propagate).
 */
export class SseDecoder {
  /** Lines longer than `maxLineBytes` that were dropped. */
  get oversizedLines(): number {
    return this.oversizedLineCount;
  }

  /** Bytes currently reserved for a line that spans chunks (for memory checks and tests). */
  get carryCapacityBytes(): number {
    return this.carry === null ? 0 : this.carry.length;
  }

  private readonly sink: SseSink;
  private readonly maxLineBytes: number;
  private oversizedLineCount = 0;
  /** Holds the start of a line that spans chunks; allocated on first need. */
  private carry: Uint8Array | null = null;
  private carryLength = 0;
  /** True while dropping the rest of an oversized line that spans chunks. */
  private skipping = false;
  /** The last chunk ended with CR: an LF at the start of the next chunk belongs to the same terminator. */
  private pendingCR = false;
  /** How many bytes of a UTF-8 BOM the stream started with so far; `BOM_DONE` once decided. */
  private bomBytesMatched = 0;

  constructor(sink: SseSink, options?: SseDecoderOptions) {
    const maxLineBytes = options?.maxLineBytes ?? DEFAULT_MAX_SSE_LINE_BYTES;
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    }
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
  }

  /** Decodes one chunk of the body. The chunk is not kept after the call returns. */
  push(chunk: Uint8Array): void {
    const length = chunk.length;
    let position = 0;
    if (this.bomBytesMatched !== BOM_DONE) {
      position = this.consumeBom(chunk);
      if (position >= length) return;
    }
    if (this.pendingCR) {
      if (length === position) return;
      this.pendingCR = false;
      if (chunk[position] === LF) position++;
    }

    // Both searches are native (memchr) and cached: a stream without CR (the usual case) looks for
    // one once per chunk, and each LF is found by one call.
    const bytes = asBuffer(chunk);
    let nextLF = indexOrLength(bytes, LF, position);
    let nextCR = indexOrLength(bytes, CR, position);
    let lineStart = position;
    for (;;) {
      if (nextLF < lineStart) nextLF = indexOrLength(bytes, LF, lineStart);
      if (nextCR < lineStart) nextCR = indexOrLength(bytes, CR, lineStart);
      const lineEnd = nextLF < nextCR ? nextLF : nextCR;
      if (lineEnd >= length) break;
      let nextLineStart = lineEnd + 1;
      if (lineEnd === nextCR) {
        if (nextLineStart < length) {
          if (chunk[nextLineStart] === LF) nextLineStart++;
        } else {
          this.pendingCR = true;
        }
      }
      this.completeLine(chunk, lineStart, lineEnd);
      lineStart = nextLineStart;
    }
    if (lineStart < length) this.carryTail(chunk, lineStart, length);
  }

  /**
   * Ends the body: delivers a last line that had no terminator (a server that closes right after
   * `data: [DONE]`), without an `onEventEnd`. The decoder is then ready for a new stream.
   */
  end(): void {
    if (this.bomBytesMatched !== BOM_DONE && this.bomBytesMatched > 0) {
      this.carryTail(BOM, 0, this.bomBytesMatched);
    }
    const carried = this.carryLength;
    const skipping = this.skipping;
    this.carryLength = 0;
    this.skipping = false;
    this.pendingCR = false;
    this.bomBytesMatched = 0;
    if (!skipping && carried > 0 && this.carry !== null) this.dispatch(this.carry, 0, carried);
    this.releaseLargeCarry();
  }

  /** Skips a UTF-8 BOM at the very start of the stream, even when it is split across chunks. */
  private consumeBom(chunk: Uint8Array): number {
    let position = 0;
    while (this.bomBytesMatched < BOM_DONE && position < chunk.length) {
      if (chunk[position] === BOM[this.bomBytesMatched]) {
        this.bomBytesMatched++;
        position++;
      } else {
        // Not a BOM after all: the bytes taken so far are the start of the first line.
        const taken = this.bomBytesMatched;
        this.bomBytesMatched = BOM_DONE;
        if (taken > 0) this.carryTail(BOM, 0, taken);
      }
    }
    return position;
  }

  /** A line terminator was found at `end`; the line is `[start, end)` of `chunk`, after any carried part. */
  private completeLine(chunk: Uint8Array, start: number, end: number): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.carryLength > 0) {
      if (this.carryLength + (end - start) > this.maxLineBytes) {
        this.oversizedLineCount++;
        this.carryLength = 0;
        this.releaseLargeCarry();
        return;
      }
      this.appendToCarry(chunk, start, end);
      const lineLength = this.carryLength;
      this.carryLength = 0;
      // appendToCarry allocated the buffer.
      this.dispatch(this.carry as Uint8Array, 0, lineLength);
      this.releaseLargeCarry();
      return;
    }
    if (end - start > this.maxLineBytes) {
      this.oversizedLineCount++;
      return;
    }
    this.dispatch(chunk, start, end);
  }

  /** The chunk ended inside a line: keep its start, unless the line is already too long. */
  private carryTail(chunk: Uint8Array, start: number, end: number): void {
    if (this.skipping) return;
    if (this.carryLength + (end - start) > this.maxLineBytes) {
      this.oversizedLineCount++;
      this.skipping = true;
      this.carryLength = 0;
      this.releaseLargeCarry();
      return;
    }
    this.appendToCarry(chunk, start, end);
  }

  /** Appends `[start, end)` of `source`; the caller has checked the result fits in `maxLineBytes`. */
  private appendToCarry(source: Uint8Array, start: number, end: number): void {
    const needed = this.carryLength + (end - start);
    let carry = this.carry;
    if (carry === null || carry.length < needed) {
      let capacity = carry === null ? MIN_CARRY_BYTES : carry.length * 2;
      while (capacity < needed) capacity *= 2;
      if (capacity > this.maxLineBytes) capacity = this.maxLineBytes;
      const grown = new Uint8Array(capacity);
      if (carry !== null && this.carryLength > 0) grown.set(carry.subarray(0, this.carryLength));
      carry = grown;
      this.carry = grown;
    }
    carry.set(source.subarray(start, end), this.carryLength);
    this.carryLength = needed;
  }

  private releaseLargeCarry(): void {
    if (this.carry !== null && this.carry.length > RETAINED_CARRY_BYTES) this.carry = null;
  }

  /** Classifies one complete line and calls the sink. */
  private dispatch(buf: Uint8Array, start: number, end: number): void {
    if (start === end) {
      this.sink.onEventEnd?.();
      return;
    }
    const first = buf[start];
    if (first === COLON) {
      let valueStart = start + 1;
      if (valueStart < end && buf[valueStart] === SPACE) valueStart++;
      this.sink.onComment(buf, valueStart, end);
      return;
    }
    // `data` checked byte by byte: no field-name string on the hot path.
    if (
      first === 0x64 &&
      end - start >= 4 &&
      buf[start + 1] === 0x61 &&
      buf[start + 2] === 0x74 &&
      buf[start + 3] === 0x61
    ) {
      if (end - start === 4) {
        this.sink.onData(buf, end, end);
        return;
      }
      if (buf[start + 4] === COLON) {
        let valueStart = start + 5;
        if (valueStart < end && buf[valueStart] === SPACE) valueStart++;
        this.sink.onData(buf, valueStart, end);
        return;
      }
    }
    this.dispatchOtherField(buf, start, end);
  }

  private dispatchOtherField(buf: Uint8Array, start: number, end: number): void {
    if (this.sink.onOtherField === undefined) return;
    let colon = start;
    while (colon < end && buf[colon] !== COLON) colon++;
    const name = utf8.decode(buf.subarray(start, colon));
    let valueStart = colon + 1;
    if (valueStart < end && buf[valueStart] === SPACE) valueStart++;
    const value = valueStart < end ? utf8.decode(buf.subarray(valueStart, end)) : '';
    this.sink.onOtherField(name, value);
  }
}

/**
 * The chunk as a Buffer (a view, no copy): `Buffer#indexOf` runs `memchr`, several times faster than
 * `Uint8Array#indexOf` or a JavaScript loop on the short distances between SSE lines.
 */
function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** `indexOf` that returns the length instead of -1, so "not found" compares as "after the end". */
function indexOrLength(chunk: Buffer, byte: number, from: number): number {
  const index = chunk.indexOf(byte, from);
  return index < 0 ? chunk.length : index;
}

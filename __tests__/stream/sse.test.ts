import fc from 'fast-check';

import { DEFAULT_MAX_SSE_LINE_BYTES, SseDecoder, type SseSink } from '../../src/stream/index.js';
import {
  decodeChunks,
  encoder,
  fixture,
  FIXTURE_NAMES,
  RecordingSink,
  splitAt,
  withLineEnding,
  type SseCall,
} from './support.js';

const data = (value: string): SseCall => ({ kind: 'data', value });
const comment = (value: string): SseCall => ({ kind: 'comment', value });
const END: SseCall = { kind: 'end' };

function decodeText(text: string, options?: { maxLineBytes?: number }): SseCall[] {
  return decodeChunks([encoder.encode(text)], options).calls;
}

describe('SseDecoder framing', () => {
  it('delivers data values after "data:" and one optional space, and blank lines as event ends', () => {
    expect(decodeText('data: {"a":1}\n\ndata:x\ndata:  two spaces\ndata\n\n')).toEqual([
      data('{"a":1}'),
      END,
      data('x'),
      data(' two spaces'),
      data(''),
      END,
    ]);
  });

  it('delivers comments after ":" and one optional space', () => {
    expect(decodeText(': keep-alive\n:no-space\n:\n\n')).toEqual([
      comment('keep-alive'),
      comment('no-space'),
      comment(''),
      END,
    ]);
  });

  it('hands other fields over as strings, a line without colon as a field with an empty value', () => {
    expect(decodeText('event: message\nid:42\nretry: 3000\ndatum: x\ndata2:y\nHTTP/1.1 200 OK\n')).toEqual([
      { kind: 'field', name: 'event', value: 'message' },
      { kind: 'field', name: 'id', value: '42' },
      { kind: 'field', name: 'retry', value: '3000' },
      { kind: 'field', name: 'datum', value: 'x' },
      { kind: 'field', name: 'data2', value: 'y' },
      { kind: 'field', name: 'HTTP/1.1 200 OK', value: '' },
    ]);
  });

  it('accepts LF, CRLF and CR, mixed in one stream', () => {
    expect(decodeText('data: a\r\ndata: b\rdata: c\n\r\n\r')).toEqual([
      data('a'),
      data('b'),
      data('c'),
      END,
      END,
    ]);
  });

  it('treats CR at the end of one chunk and LF at the start of the next as one terminator', () => {
    const chunks = ['data: a\r', '\ndata: b\r', '', '\n\r', '\n'].map((text) => encoder.encode(text));
    expect(decodeChunks(chunks).calls).toEqual([data('a'), data('b'), END]);
  });

  it('keeps a CR-terminated line followed by a chunk that does not start with LF', () => {
    const chunks = ['data: a\r', 'data: b\r', '\r'].map((text) => encoder.encode(text));
    expect(decodeChunks(chunks).calls).toEqual([data('a'), data('b'), END]);
  });

  it('joins a line that spans several chunks, including a UTF-8 character cut in two', () => {
    const bytes = encoder.encode('data: café ☕\n\n');
    const cutInsideEuro = bytes.indexOf(0xe2) + 1;
    expect(decodeChunks(splitAt(bytes, [3, 8, cutInsideEuro])).calls).toEqual([data('café ☕'), END]);
  });

  it('hands a line inside one chunk over as a slice of that chunk, without a copy', () => {
    const chunk = encoder.encode('data: hello\n');
    const seen: Uint8Array[] = [];
    const sink: SseSink = { onData: (buf) => seen.push(buf), onComment: () => {} };
    new SseDecoder(sink).push(chunk);
    expect(seen[0]?.buffer).toBe(chunk.buffer);
  });

  it('skips a UTF-8 BOM at the start of the stream, even split across chunks, and only there', () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
    const body = encoder.encode('data: x\n');
    const stream = Uint8Array.from([...bom, ...body, ...bom, ...body]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const calls = decodeChunks(splitAt(stream, [cut])).calls;
      expect(calls).toEqual([data('x'), { kind: 'field', name: '\ufeffdata', value: 'x' }]);
    }
  });

  it('keeps bytes that only look like the start of a BOM', () => {
    const stream = Uint8Array.from([0xef, 0xbb, ...encoder.encode('x: y\n')]);
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(decodeChunks(splitAt(stream, [cut, 1])).calls).toEqual([
        { kind: 'field', name: '\ufffdx', value: 'y' },
      ]);
    }
    expect(decodeChunks([Uint8Array.of(0xef)]).calls).toEqual([{ kind: 'field', name: '\ufffd', value: '' }]);
  });

  it('delivers a last line without terminator at end(), without an event end', () => {
    expect(decodeChunks([encoder.encode('data: a\n\ndata: [DONE]')]).calls).toEqual([
      data('a'),
      END,
      data('[DONE]'),
    ]);
  });

  it('is ready for a new stream after end()', () => {
    const sink = new RecordingSink();
    const sseDecoder = new SseDecoder(sink);
    sseDecoder.push(encoder.encode('data: half'));
    sseDecoder.end();
    sseDecoder.push(encoder.encode('data: next\n'));
    sseDecoder.end();
    expect(sink.calls).toEqual([data('half'), data('next')]);
  });

  it('rejects a maxLineBytes that is not a positive integer', () => {
    const sink = new RecordingSink();
    expect(() => new SseDecoder(sink, { maxLineBytes: 0 })).toThrow(RangeError);
    expect(() => new SseDecoder(sink, { maxLineBytes: 1.5 })).toThrow(RangeError);
    expect(DEFAULT_MAX_SSE_LINE_BYTES).toBe(16 * 1024 * 1024);
  });
});

describe('SseDecoder oversized lines', () => {
  it('delivers a line of exactly maxLineBytes and drops and counts a longer one', () => {
    const result = decodeChunks([encoder.encode('data: 1234\ndata: 12345\ndata: ok\n')], {
      maxLineBytes: 10,
    });
    expect(result.calls).toEqual([data('1234'), data('ok')]);
    expect(result.oversizedLines).toBe(1);
  });

  it('drops an oversized line that spans chunks, whichever chunk makes it too long', () => {
    const bytes = encoder.encode('data: 1234\ndata: 12345678901234567890\r\ndata: ok\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const second of [cut + 1, cut + 7]) {
        const result = decodeChunks(splitAt(bytes, [cut, second]), { maxLineBytes: 10 });
        expect(result.calls).toEqual([data('1234'), data('ok')]);
        expect(result.oversizedLines).toBe(1);
      }
    }
  });

  it('drops a 10 MB line fed in 64 KiB chunks while holding at most maxLineBytes', () => {
    const maxLineBytes = 1024 * 1024;
    const sink = new RecordingSink();
    const sseDecoder = new SseDecoder(sink, { maxLineBytes });
    const filler = new Uint8Array(64 * 1024).fill(0x61);
    sseDecoder.push(encoder.encode('data: first\n\ndata: '));
    let largestCarryBytes = 0;
    for (let sent = 0; sent < 10_000_000; sent += filler.length) {
      sseDecoder.push(filler);
      largestCarryBytes = Math.max(largestCarryBytes, sseDecoder.carryCapacityBytes);
    }
    sseDecoder.push(encoder.encode('\n\ndata: after\n'));
    sseDecoder.end();
    expect(largestCarryBytes).toBeLessThanOrEqual(maxLineBytes);
    expect(sseDecoder.oversizedLines).toBe(1);
    expect(sink.calls).toEqual([data('first'), END, END, data('after')]);
  });

  it('keeps memory bounded on a body that never sends a line terminator', () => {
    const sseDecoder = new SseDecoder(new RecordingSink(), { maxLineBytes: 4096 });
    const chunk = new Uint8Array(1000).fill(0x62);
    for (let index = 0; index < 10_000; index++) sseDecoder.push(chunk);
    expect(sseDecoder.carryCapacityBytes).toBeLessThanOrEqual(4096);
    expect(sseDecoder.oversizedLines).toBe(1);
  });

  it('gives a large carry buffer back after the line is delivered', () => {
    const sseDecoder = new SseDecoder(new RecordingSink());
    const line = encoder.encode(`data: ${'x'.repeat(200_000)}\n`);
    for (const chunk of splitAt(line, [1000, 100_000])) sseDecoder.push(chunk);
    expect(sseDecoder.carryCapacityBytes).toBe(0);
  });
});

describe('SseDecoder on the recorded streams', () => {
  it.each(FIXTURE_NAMES)('%s: every split point and every line ending give the same calls', (name) => {
    const bytes = fixture(name);
    const expected = decodeChunks([bytes]).calls;
    expect(expected.length).toBeGreaterThan(3);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeChunks(splitAt(bytes, [cut])).calls).toEqual(expected);
    }
    for (const ending of ['\r\n', '\r'] as const) {
      const rewritten = withLineEnding(bytes, ending);
      for (let cut = 0; cut <= rewritten.length; cut++) {
        expect(decodeChunks(splitAt(rewritten, [cut])).calls).toEqual(expected);
      }
    }
    const oneBytePerChunk = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(decodeChunks(oneBytePerChunk).calls).toEqual(expected);
  });
});

describe('SseDecoder properties', () => {
  const anyBytes = fc.uint8Array({ maxLength: 400 });
  const sseLikeBytes = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          'data:',
          'data: ',
          ':',
          ': ',
          'event:',
          '\n',
          '\r',
          '\r\n',
          '\n\n',
          'id: 1',
          '\ufeff',
          'é',
        ),
        fc.string({ maxLength: 12 }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => encoder.encode(parts.join('')));
  const splitPoints = fc.array(fc.nat({ max: 400 }), { maxLength: 12 });

  it('yields the same calls whatever the chunking', () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes, sseLikeBytes), splitPoints, (bytes, cuts) => {
        expect(decodeChunks(splitAt(bytes, cuts)).calls).toEqual(decodeChunks([bytes]).calls);
      }),
      { numRuns: 500 },
    );
  });

  it('yields the same calls whatever the chunking with a small line limit', () => {
    fc.assert(
      fc.property(sseLikeBytes, splitPoints, fc.integer({ min: 1, max: 20 }), (bytes, cuts, maxLineBytes) => {
        const whole = decodeChunks([bytes], { maxLineBytes });
        expect(decodeChunks(splitAt(bytes, cuts), { maxLineBytes })).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('delivers every data value written by an SSE encoder, whatever the line endings', () => {
    const value = fc.string({ maxLength: 30 }).map((text) => text.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 10 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        splitPoints,
        (values, newline, cuts) => {
          const text = values.map((item) => `data: ${item}${newline}${newline}`).join('');
          const calls = decodeChunks(splitAt(encoder.encode(text), cuts)).calls;
          const received = calls.flatMap((call) => (call.kind === 'data' ? [call.value] : []));
          // The decoder works on bytes; lone surrogates come back as U+FFFD like any UTF-8 decoding.
          expect(received).toEqual(values.map((item) => new TextDecoder().decode(encoder.encode(item))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

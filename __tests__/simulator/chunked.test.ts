/**
 * The bytes on the wire of a streamed response, read from a raw socket: token events bypass
 * `res.write` (own chunk framing, precomputed sizes, latin1 for ASCII text), so the framing, the
 * one-event-per-token rule and the exact serialisation are pinned here, for ASCII and non-ASCII models.
 */
import { connect } from 'node:net';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { LLAMA, placeViaPreview, waitReady } from './helpers.js';
import type { Json } from './helpers.js';

/** A model ID that is not ASCII: its token events must go out as UTF-8 with UTF-8 chunk sizes. */
const ACCENTED = 'sim/Modèle-ü-1B';

interface RawResponse {
  head: string;
  /** The body's chunks, each decoded from exactly the bytes its size line announced. */
  chunks: string[];
}

/** POSTs `body` over a raw socket and splits the chunked response strictly (sizes must be exact). */
function rawPost(url: string, path: string, body: Json): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let bytes = Buffer.alloc(0);
    const parse = (): RawResponse | null => {
      const headEnd = bytes.indexOf('\r\n\r\n');
      if (headEnd < 0) return null;
      const chunks: string[] = [];
      let at = headEnd + 4;
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', at);
        if (lineEnd < 0) return null;
        const size = parseInt(bytes.toString('latin1', at, lineEnd), 16);
        if (!Number.isInteger(size)) throw new Error(`bad chunk size line at byte ${at}`);
        const start = lineEnd + 2;
        if (bytes.length < start + size + 2) return null;
        if (bytes.toString('latin1', start + size, start + size + 2) !== '\r\n') {
          throw new Error(`chunk of ${size} bytes at byte ${start} is not followed by CRLF`);
        }
        if (size === 0) return { head: bytes.toString('latin1', 0, headEnd), chunks };
        chunks.push(bytes.toString('utf8', start, start + size));
        at = start + size + 2;
      }
    };
    socket.on('data', (data: Buffer) => {
      bytes = Buffer.concat([bytes, data]);
      try {
        const response = parse();
        if (response) {
          socket.destroy();
          resolve(response);
        }
      } catch (error) {
        socket.destroy();
        reject(error as Error);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('connection closed before the last chunk')));
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
  });
}

const prompt = [{ role: 'user', content: 'hello world' }];

describe('streamed bytes on the wire', () => {
  describe('EXO flavour', () => {
    let sim: SimulatorHandle;

    beforeAll(async () => {
      sim = await startSimulator({
        seed: 5,
        profile: {
          ...FAST_TEST_PROFILE,
          models: [{ modelId: ACCENTED, nLayers: 4, storageSizeBytes: 1_000_000 }],
        },
      });
      for (const model of [LLAMA, ACCENTED]) await waitReady(sim.url, await placeViaPreview(sim.url, model));
    });

    afterAll(async () => {
      await sim.close();
    });

    it.each([LLAMA, ACCENTED])(
      'model %s: one exactly-sized chunk per token event, serialised as EXO does',
      async (model) => {
        const res = await rawPost(sim.url, '/bench/chat/completions', {
          model,
          messages: prompt,
          max_tokens: 12,
          stream: true,
        });
        expect(res.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(res.head.toLowerCase()).toContain('transfer-encoding: chunked');
        expect(res.chunks[0]).toBe(': keep-alive\n\n');
        const tokens = res.chunks.slice(1, 13);
        for (const chunk of tokens) {
          // Exactly one event per chunk, and re-serialising it gives the same text: EXO's key order,
          // no spaces, the model ID as it was sent.
          expect(chunk.endsWith('\n\n')).toBe(true);
          expect(chunk.indexOf('\n\n')).toBe(chunk.length - 2);
          const event = JSON.parse(chunk.slice('data: '.length)) as Json;
          expect(event.model).toBe(model);
          const content = ((event.choices as Json[])[0]?.delta as Json).content;
          const expected = {
            id: event.id,
            object: 'chat.completion',
            created: event.created,
            model,
            choices: [{ index: 0, delta: { role: 'assistant', content } }],
          };
          expect(chunk).toBe(`data: ${JSON.stringify(expected)}\n\n`);
        }
        const rest = res.chunks.slice(13).join('');
        expect(rest).toMatch(
          /^data: \{.*"finish_reason":"length".*\n\n: generation_stats \{.*\n\ndata: \[DONE\]\n\n$/s,
        );
        const record = sim.requests().find((r) => r.id === (JSON.parse(tokens[0]!.slice(6)) as Json).id);
        expect(record).toMatchObject({ tokens_emitted: 12, outcome: 'completed' });
      },
    );
  });

  describe('openai flavour', () => {
    let sim: SimulatorHandle;

    afterEach(async () => {
      await sim.close();
    });

    it.each([LLAMA, ACCENTED])(
      'model %s: one exactly-sized chunk per token, serialised as llama.cpp does',
      async (model) => {
        sim = await startSimulator({
          flavor: 'openai',
          seed: 2,
          profile: { ...FAST_TEST_PROFILE, openai: { model } as never },
        });
        const res = await rawPost(sim.url, '/v1/chat/completions', {
          model,
          messages: prompt,
          max_tokens: 6,
          stream: true,
        });
        expect(res.head.toLowerCase()).toContain('transfer-encoding: chunked');
        // The role-only chunk, then one chunk per token.
        const tokens = res.chunks.slice(1, 7);
        expect(tokens).toHaveLength(6);
        for (const chunk of tokens) {
          expect(chunk.indexOf('\n\n')).toBe(chunk.length - 2);
          const event = JSON.parse(chunk.slice('data: '.length)) as Json;
          const content = ((event.choices as Json[])[0]?.delta as Json).content;
          const expected = {
            choices: [{ finish_reason: null, index: 0, delta: { content } }],
            created: event.created,
            id: event.id,
            model,
            system_fingerprint: event.system_fingerprint,
            object: 'chat.completion.chunk',
          };
          expect(chunk).toBe(`data: ${JSON.stringify(expected)}\n\n`);
        }
      },
    );
  });
});

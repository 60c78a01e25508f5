/**
 * Prompt calibration as a search: against the simulator's stand-in tokenizer called directly (no
 * sockets), against tokenizers built to trap it, and with servers that report nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import {
  calibratePrompt,
  httpPromptProbe,
  calibrationNonce,
  MAX_PROBES,
  prepareStagePrompts,
  promptTokensOf,
  PromptCalibrator,
  type PromptProbe,
} from '../../src/load/calibrate.js';
import { composePrompt, promptBody, promptNonce } from '../../src/load/prompt.js';
import { countPromptTokens, countTextTokens } from '../../src/simulator/index.js';

/** A probe that counts like the simulator, with a given chat-template overhead. */
function standInProbe(template: { templateTokensPerRequest: number; templateTokensPerMessage: number }): {
  probe: PromptProbe;
  contents: string[];
} {
  const contents: string[] = [];
  return {
    contents,
    probe: async (content) => {
      contents.push(content);
      return { promptTokens: countPromptTokens([{ role: 'user', content }], template) };
    },
  };
}

const LLAMA_LIKE = { templateTokensPerRequest: 26, templateTokensPerMessage: 5 };
const SMALL_TEMPLATE = { templateTokensPerRequest: 3, templateTokensPerMessage: 4 };
const nonces = calibrationNonce('run-1');

describe('promptNonce', () => {
  it('has the same width and token count for every request, and differs between requests', () => {
    const seen = new Set<string>();
    for (const index of [0, 1, 9, 10, 99_999, 9_999_999]) {
      const nonce = promptNonce('4242-1', 'stress_test', index);
      expect(nonce).toMatch(/^\d{16}$/);
      expect(countTextTokens(nonce)).toBe(countTextTokens(promptNonce('4242-1', 'stress_test', 0)));
      seen.add(nonce);
    }
    expect(seen.size).toBe(6);
    expect(promptNonce('run', 'a', 3)).not.toBe(promptNonce('run', 'b', 3));
    expect(promptNonce('run-x', 'a', 3)).not.toBe(promptNonce('run-y', 'a', 3));
  });

  it('leaves every filler word one token in the stand-in tokenizer', () => {
    for (const words of [1, 50, 500])
      expect(countTextTokens(promptBody({ words, period: false }))).toBe(words);
    expect(countTextTokens(promptBody({ words: 10, period: true }))).toBe(11);
  });
});

describe('calibratePrompt against the stand-in tokenizer', () => {
  const lengths = [16, 17, 31, 64, 100, 257, 1000, 4096, 8000];

  it.each(lengths)('finds exactly %i prompt tokens with a nonce, in a few probes', async (length) => {
    const { probe, contents } = standInProbe(SMALL_TEMPLATE);
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: length,
      withNonce: true,
      probeNonce: nonces,
      probe,
    });
    expect(result).toMatchObject({ status: 'exact', measured_tokens: length, nonce_stable: true });
    expect(result.probes).toBeLessThanOrEqual(4);
    expect(contents).toHaveLength(result.probes);
    // Any other nonce gives the same count: what the stage's requests will send.
    const body = promptBody(result.shape);
    for (const index of [0, 7, 123_456])
      expect(
        countPromptTokens(
          [{ role: 'user', content: composePrompt(promptNonce('other-run', 'stage', index), body) }],
          SMALL_TEMPLATE,
        ),
      ).toBe(length);
  });

  it.each([64, 1000, 8000])('finds exactly %i prompt tokens without a nonce', async (length) => {
    const { probe } = standInProbe(LLAMA_LIKE);
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: length,
      withNonce: false,
      probeNonce: nonces,
      probe,
    });
    expect(result).toMatchObject({ status: 'exact', measured_tokens: length, nonce_stable: null });
    expect(countPromptTokens([{ role: 'user', content: promptBody(result.shape) }], LLAMA_LIKE)).toBe(length);
  });

  it('reports a length below the chat template floor as approximate, with the floor', async () => {
    const { probe } = standInProbe(LLAMA_LIKE);
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: 16,
      withNonce: true,
      probeNonce: nonces,
      probe,
    });
    expect(result.status).toBe('approximate');
    expect(result.shape.words).toBe(0);
    expect(result.note).toMatch(/shortest possible prompt already has 3\d tokens/);
  });

  it('closes a gap a two-token word leaves with a final period', async () => {
    // 10 template tokens; words one token each, except that the 5th costs two: 4 words → 14, 5 → 16.
    const probe: PromptProbe = async (content) => {
      const words = content.split(' ').filter(Boolean);
      const periods = content.endsWith('.') ? 1 : 0;
      return { promptTokens: 10 + words.length + (words.length >= 5 ? 1 : 0) + periods };
    };
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: 15,
      withNonce: false,
      probeNonce: nonces,
      probe,
    });
    expect(result).toMatchObject({ status: 'exact', measured_tokens: 15, shape: { words: 4, period: true } });
  });

  it('flags prompts as approximate when the count changes with the nonce', async () => {
    // A tokenizer that merges a nonce digit pair when it is "00": counts vary with the digits.
    const probe: PromptProbe = async (content) => ({
      promptTokens: 20 + content.split(' ').length + (/^00/.test(content) ? 0 : 1),
    });
    let k = 0;
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: 200,
      withNonce: true,
      probeNonce: () => (k++ % 2 === 0 ? '0000' : '1234'),
      probe,
    });
    expect(result.status).toBe('approximate');
    expect(result.nonce_stable).toBe(false);
    expect(result.note).toMatch(/changed with the nonce/);
  });

  it('falls back to the estimate when the server reports no prompt tokens', async () => {
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: 500,
      withNonce: true,
      probeNonce: nonces,
      probe: async () => ({ promptTokens: undefined }),
    });
    expect(result).toMatchObject({ status: 'estimate', probes: 1, measured_tokens: null });
    expect(result.note).toMatch(/no usage.prompt_tokens/);
  });

  it('falls back to the estimate when a probe fails, naming the failure', async () => {
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: 500,
      withNonce: false,
      probeNonce: nonces,
      probe: async () => {
        throw new Error('HTTP 500: boom');
      },
    });
    expect(result.status).toBe('estimate');
    expect(result.note).toMatch(/HTTP 500: boom/);
  });

  it('falls back to the estimate when the nonce check, the last probe, fails', async () => {
    const { probe: standIn } = standInProbe(LLAMA_LIKE);
    let targetAnswered = false;
    let sent = 0;
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: 200,
      withNonce: true,
      probeNonce: nonces,
      // Counts like the stand-in until it has answered the requested length once; the next probe fails.
      probe: async (content) => {
        sent += 1;
        if (targetAnswered) throw new Error('HTTP 500: boom');
        const answer = await standIn(content);
        targetAnswered = answer.promptTokens === 200;
        return answer;
      },
    });
    expect(targetAnswered).toBe(true);
    expect(result).toMatchObject({ status: 'estimate', measured_tokens: null, probes: sent });
    expect(result.note).toMatch(/HTTP 500: boom/);
  });

  it('never sends more than MAX_PROBES probes, even against an erratic server', async () => {
    let sent = 0;
    const result = await calibratePrompt({
      model: 'm',
      promptLengthTokens: 300,
      withNonce: false,
      probeNonce: nonces,
      probe: async () => ({ promptTokens: [100, 900, 250, 800, 299, 301][sent++ % 6] }),
    });
    expect(sent).toBeLessThanOrEqual(MAX_PROBES);
    expect(result.status).toBe('approximate');
  });
});

describe('PromptCalibrator and prepareStagePrompts', () => {
  it('caches per model, length and nonce use: a second stage of the same length sends no probe', async () => {
    const { probe, contents } = standInProbe(LLAMA_LIKE);
    const calibrator = new PromptCalibrator(() => probe, calibrationNonce('run'));
    const first = await prepareStagePrompts(calibrator, ['a', 'b', 'a'], 300, true);
    expect(first.calibration.status).toBe('exact');
    expect(first.calibration.models.map((m) => m.model)).toEqual(['a', 'b']);
    const sent = contents.length;
    expect(first.calibration.probes).toBe(sent);
    const again = await prepareStagePrompts(calibrator, ['a', 'b'], 300, true);
    expect(again.calibration.probes).toBe(0);
    expect(contents).toHaveLength(sent);
    expect(again.bodies.get('a')).toBe(first.bodies.get('a'));
    await prepareStagePrompts(calibrator, ['a'], 300, false);
    expect(contents.length).toBeGreaterThan(sent);
    // Every probe had its own nonce, none of them a stage request's.
    const probeNonces = contents.filter((c) => /^\d{16} /.test(c)).map((c) => c.slice(0, 16));
    expect(new Set(probeNonces).size).toBe(probeNonces.length);
  });

  it('marks a stage "off" and estimates when calibration is disabled', async () => {
    const prompts = await prepareStagePrompts(undefined, ['a'], 300, true);
    expect(prompts.calibration).toMatchObject({ status: 'off', probes: 0 });
    expect(prompts.bodies.get('a')?.split(' ').length).toBeGreaterThan(250);
  });
});

describe('promptTokensOf', () => {
  it('reads usage, then EXO generation_stats, else nothing', () => {
    expect(promptTokensOf('{"usage":{"prompt_tokens":37}}')).toBe(37);
    expect(promptTokensOf('{"usage":null,"generation_stats":{"prompt_tokens":128}}')).toBe(128);
    expect(promptTokensOf('{"choices":[]}')).toBeUndefined();
    expect(promptTokensOf('not json')).toBeUndefined();
  });
});

describe('httpPromptProbe against the error bodies of real EXO (exo-api.md §12.6)', () => {
  /** A server that answers every POST with this status, content type and body. */
  async function answering(
    status: number,
    type: string,
    body: string,
  ): Promise<{ url: string; close(): Promise<void> }> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  const probe = (origin: string, path: string) =>
    httpPromptProbe(
      {
        dispatcher: new Agent(),
        origin,
        path,
        headers: { 'content-type': 'application/json' },
        timeoutMs: 5_000,
      },
      'm',
    );

  it('a 200 with an empty body (failed non-streaming chat) is a failed probe, not a server without usage', async () => {
    const server = await answering(200, 'application/json', '');
    try {
      await expect(probe(server.url, '/v1/chat/completions')('hi')).rejects.toThrow(
        "HTTP 200 with an empty body (the server's generation failed)",
      );
      const calibration = await calibratePrompt({
        model: 'm',
        promptLengthTokens: 40,
        withNonce: false,
        probeNonce: nonces,
        probe: probe(server.url, '/v1/chat/completions'),
      });
      expect(calibration.status).toBe('estimate');
      expect(calibration.note).toMatch(/^calibration probe failed \(HTTP 200 with an empty body/);
    } finally {
      await server.close();
    }
  });

  it('a 500 text/plain "Internal Server Error" (failed non-streaming bench) names the status', async () => {
    const server = await answering(500, 'text/plain', 'Internal Server Error');
    try {
      await expect(probe(server.url, '/bench/chat/completions')('hi')).rejects.toThrow(
        'HTTP 500: Internal Server Error',
      );
    } finally {
      await server.close();
    }
  });
});

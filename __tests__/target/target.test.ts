/** Resolving a target, and waiting for an OpenAI-compatible server over a real socket. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { parseConfigText } from '../../src/config/index.js';
import { InputError } from '../../src/core/errors.js';
import {
  forceOutputFields,
  normaliseBaseUrl,
  resolveTarget,
  TargetError,
  targetApiUrl,
  waitForOpenAiServer,
} from '../../src/target/index.js';
import { systemClock } from '../../src/util/clock.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const STAGES = `stages:
  - name: s
    prompt_length: 64
    generation_length: 16
    time_between_requests: 1
    iterations: 1
`;
const openaiConfig = (extra = ''): ReturnType<typeof parseConfigText>['config'] =>
  parseConfigText(
    `target:\n  kind: openai\n  base_url: http://10.0.0.5:8000/v1/\n  model: Qwen/Qwen3-0.6B\n${extra}${STAGES}`,
    'c.yaml',
    {},
  ).config;

describe('resolveTarget', () => {
  it('sends an openai target to /v1/chat/completions with its model and the bearer key', () => {
    const config = openaiConfig('  api_key_env: MY_KEY\n  force_output_length: ignore_eos\n');
    const target = resolveTarget(config, targetApiUrl(config, undefined, 'http://127.0.0.1:52415'), {
      MY_KEY: ' sk-123 ',
    });
    expect(target).toEqual({
      kind: 'openai',
      baseUrl: 'http://10.0.0.5:8000',
      models: ['Qwen/Qwen3-0.6B'],
      chatPath: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-123' },
      apiKey: 'sk-123',
      forceOutputLength: 'ignore_eos',
    });
  });

  it('lets --api-url / api-url override base_url, keeping a path prefix', () => {
    const config = openaiConfig();
    const target = resolveTarget(config, targetApiUrl(config, 'https://gw.example/llm/v1', 'unused'), {});
    expect(target.baseUrl).toBe('https://gw.example/llm');
    expect(target.chatPath).toBe('/llm/v1/chat/completions');
    expect(target.headers).not.toHaveProperty('authorization');
  });

  it('refuses an unset or empty key variable with a hint naming it', () => {
    const config = openaiConfig('  api_key_env: MY_KEY\n');
    expect(() => resolveTarget(config, 'http://h', {})).toThrow(InputError);
    expect(() => resolveTarget(config, 'http://h', { MY_KEY: '' })).toThrow(
      /MY_KEY, but that environment variable is empty/,
    );
  });

  it('keeps EXO on its models and endpoint', () => {
    const { config } = parseConfigText(
      `hardware_plan: {A: 1}\nmodel_ids: [a, b]\nendpoint: bench\n${STAGES}`,
      'c.yaml',
      {},
    );
    const target = resolveTarget(config, targetApiUrl(config, undefined, 'http://127.0.0.1:52415'), {});
    expect(target).toMatchObject({
      kind: 'exo',
      baseUrl: 'http://127.0.0.1:52415',
      models: ['a', 'b'],
      chatPath: '/bench/chat/completions',
      forceOutputLength: 'none',
    });
  });

  it('maps force_output_length to the server fields', () => {
    expect(forceOutputFields('none', 64)).toEqual({});
    expect(forceOutputFields('ignore_eos', 64)).toEqual({ ignore_eos: true });
    expect(forceOutputFields('min_tokens', 64)).toEqual({ min_tokens: 64 });
    expect(normaliseBaseUrl('http://h:1/v1//')).toBe('http://h:1');
  });
});

describe('waitForOpenAiServer', () => {
  let server: Server;
  let url: string;
  let answers: Array<{ status: number; body: string }>;
  let seenHeaders: IncomingHttpHeaders[];
  const dispatcher = new Agent();

  beforeEach(async () => {
    answers = [];
    seenHeaders = [];
    server = createServer((req, res) => {
      seenHeaders.push(req.headers);
      const answer =
        answers.length > 1 ? answers.shift()! : (answers[0] ?? { status: 200, body: '{"data":[]}' });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  afterAll(async () => {
    await dispatcher.close();
  });

  const target = (apiKey?: string): Parameters<typeof waitForOpenAiServer>[0] => ({
    kind: 'openai',
    baseUrl: url,
    models: ['m'],
    chatPath: '/v1/chat/completions',
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    apiKey,
    forceOutputLength: 'none',
  });
  const context = (logger = new MemoryLogger()) => ({
    dispatcher,
    clock: systemClock,
    logger,
    initialRetryDelayMs: 5,
    progressIntervalMs: 0,
  });

  it('waits out a loading server (503), then returns its models, sending the key', async () => {
    answers = [
      { status: 503, body: '{"error":{"message":"Loading model"}}' },
      { status: 503, body: '{"error":{"message":"Loading model"}}' },
      { status: 200, body: '{"object":"list","data":[{"id":"m"}]}' },
    ];
    const logger = new MemoryLogger();
    const models = await waitForOpenAiServer(target('sk-1'), context(logger), Date.now() + 5_000);
    expect(models.ids).toEqual(['m']);
    expect(seenHeaders).toHaveLength(3);
    expect(seenHeaders[0]?.authorization).toBe('Bearer sk-1');
    expect(
      logger.lines.some((line) => line.includes('HTTP 503: {"error":{"message":"Loading model"}}')),
    ).toBe(true);
  });

  it('stops at once on 401 with an auth hint', async () => {
    answers = [{ status: 401, body: '{"error":"invalid api key"}' }];
    const error = await waitForOpenAiServer(target('bad'), context(), Date.now() + 5_000).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).message).toMatch(/HTTP 401/);
    expect((error as TargetError).hint).toMatch(/API key was rejected/);
    expect(seenHeaders).toHaveLength(1);
  });

  it('asks for api_key_env on 403 without a key', async () => {
    answers = [{ status: 403, body: '' }];
    const error = (await waitForOpenAiServer(target(), context(), Date.now() + 5_000).catch(
      (e: unknown) => e,
    )) as TargetError;
    expect(error.hint).toMatch(/set target.api_key_env/);
  });

  it('gives up at the deadline with the last reason', async () => {
    answers = [{ status: 502, body: 'bad gateway' }];
    const error = (await waitForOpenAiServer(target(), context(), Date.now() + 150).catch(
      (e: unknown) => e,
    )) as TargetError;
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toMatch(/did not answer 200 within .* \(last: HTTP 502: bad gateway\)/);
  });

  it('warns, without failing, when the model is not listed', async () => {
    answers = [{ status: 200, body: '{"data":[{"id":"other"}]}' }];
    const logger = new MemoryLogger();
    await waitForOpenAiServer(target(), context(logger), Date.now() + 1_000);
    expect(logger.lines).toContain(
      'warning: the server does not list m (it lists other); requests name it anyway',
    );
  });
});

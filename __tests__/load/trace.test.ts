/**
 * Trace files and the workload stages' config: the JSONL parser's positioned errors (file:line, field,
 * what is wrong), the config rules of trace and shared_prefix stages, the prompts composed from
 * offsets, and the expected cache model.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfigText } from '../../src/config/index.js';
import { ConfigError, type ConfigProblem } from '../../src/core/errors.js';
import { parseTrace, traceOffsetsMs, TRACE_LIMITS } from '../../src/config/trace.js';
import {
  composeWorkloadPrompt,
  expectedCache,
  expectedCachedTokens,
  seededWords,
  stageWorkload,
} from '../../src/load/workload.js';
import { countPromptTokens } from '../../src/simulator/index.js';

const line = (fields: Record<string, unknown>): string => JSON.stringify(fields);

describe('parseTrace', () => {
  it('reads Mooncake lines, skipping blank ones, keeping line numbers', () => {
    const { requests, problems } = parseTrace(
      [
        line({ timestamp: 0, input_length: 6955, output_length: 52, hash_ids: [46, 47, 48] }),
        '',
        line({ timestamp: 27482, input_length: 6472, output_length: 26, hash_ids: [46, 47], session: 'x' }),
        line({ timestamp: 27482, input_length: 10, output_length: 1 }),
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(requests).toEqual([
      { timestamp: 0, input_length: 6955, output_length: 52, hash_ids: [46, 47, 48], line: 1 },
      { timestamp: 27482, input_length: 6472, output_length: 26, hash_ids: [46, 47], line: 3 },
      { timestamp: 27482, input_length: 10, output_length: 1, hash_ids: [], line: 4 },
    ]);
  });

  it.each([
    ['{"timestamp": 0, "input_length": 5', 1, '', /invalid JSON/],
    ['[1, 2]', 1, '', /expected a JSON object, found an array/],
    [line({ input_length: 5, output_length: 1 }), 1, 'timestamp', /missing required field "timestamp"/],
    [line({ timestamp: -1, input_length: 5, output_length: 1 }), 1, 'timestamp', /expected 0 ≤ timestamp/],
    [
      line({ timestamp: 0, input_length: 5.5, output_length: 1 }),
      1,
      'input_length',
      /expected an integer, found 5.5/,
    ],
    [
      line({ timestamp: 0, input_length: 0, output_length: 1 }),
      1,
      'input_length',
      /expected 1 ≤ input_length/,
    ],
    [
      line({ timestamp: 0, input_length: 5, output_length: '3' }),
      1,
      'output_length',
      /expected an integer, found "3"/,
    ],
    [
      line({ timestamp: 0, input_length: 5, output_length: 1, hash_ids: 4 }),
      1,
      'hash_ids',
      /expected an array of integers/,
    ],
    [
      line({ timestamp: 0, input_length: 5, output_length: 1, hash_ids: [1, 2, -3] }),
      1,
      'hash_ids[2]',
      /expected a non-negative integer, found -3/,
    ],
    [line({ timestamp: 0, input_len: 5, output_length: 1 }), 1, 'input_len', /did you mean "input_length"\?/],
  ])('%s → line %i, field %j', (text, expectedLine, field, message) => {
    const { problems } = parseTrace(text);
    expect(problems.length).toBeGreaterThan(0);
    const problem = problems.find((candidate) => candidate.field === field)!;
    expect(problem).toBeDefined();
    expect(problem.line).toBe(expectedLine);
    expect(problem.message).toMatch(message);
  });

  it('refuses unsorted timestamps, naming both lines', () => {
    const { problems } = parseTrace(
      [
        line({ timestamp: 0, input_length: 5, output_length: 1 }),
        line({ timestamp: 500, input_length: 5, output_length: 1 }),
        line({ timestamp: 400, input_length: 5, output_length: 1 }),
      ].join('\n'),
    );
    expect(problems).toEqual([
      {
        line: 3,
        field: 'timestamp',
        message:
          'expected timestamps in ascending order, found 400 after 500 (line 2); sort the trace by timestamp',
      },
    ]);
  });

  it('refuses an empty trace, and lists at most 20 problems then a count', () => {
    expect(parseTrace('\n\n').problems).toEqual([
      { line: 0, field: '', message: 'the trace has no request (every line is blank)' },
    ]);
    const bad = Array.from({ length: 30 }, () => 'nope').join('\n');
    const { problems } = parseTrace(bad);
    expect(problems).toHaveLength(TRACE_LIMITS.maxProblems + 1);
    expect(problems[problems.length - 1]!.message).toBe('and 10 more problems');
  });

  it('gives send offsets from the first timestamp, scaled by the speed', () => {
    const { requests } = parseTrace(
      [100, 300, 300, 1100]
        .map((timestamp) => line({ timestamp, input_length: 5, output_length: 1 }))
        .join('\n'),
    );
    expect(traceOffsetsMs(requests, 1)).toEqual([0, 200, 200, 1000]);
    expect(traceOffsetsMs(requests, 2)).toEqual([0, 100, 100, 500]);
    expect(traceOffsetsMs(requests, 0.5, 2)).toEqual([0, 400]);
  });
});

/** A config beside a trace file, loaded through the real file path (the trace is relative to it). */
function traceConfig(
  stage: string,
  trace: string | undefined,
  head = 'hardware_plan: { a: 1 }\nmodel_ids: [m]',
): string {
  const folder = mkdtempSync(join(tmpdir(), 'exo-bench-trace-'));
  mkdirSync(join(folder, 'traces'));
  if (trace !== undefined) writeFileSync(join(folder, 'traces', 't.jsonl'), trace);
  const file = join(folder, 'bench.yaml');
  writeFileSync(file, `${head}\nstages:\n${stage}`);
  return file;
}

async function problemsOf(file: string): Promise<ConfigProblem[]> {
  try {
    await loadConfigFile(file, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

const TRACE = [0, 100, 250]
  .map((timestamp, index) =>
    line({ timestamp, input_length: 100 + index * 100, output_length: 10 * (index + 1) }),
  )
  .join('\n');

describe('trace stages in a config', () => {
  it('reads the trace relative to the config file and derives the stage figures from it', async () => {
    const file = traceConfig('  - { name: replay, trace: traces/t.jsonl, trace_speed: 2 }\n', TRACE);
    const loaded = await loadConfigFile(file, {});
    expect(loaded.config.stages[0]).toEqual({
      name: 'replay',
      prompt_length: 200,
      generation_length: 20,
      time_between_requests: 0.0625,
      iterations: 3,
      no_overlap: false,
      arrival: 'constant',
      warmup_requests: 0,
      warmup: false,
      trace: 'traces/t.jsonl',
      trace_speed: 2,
      trace_block_tokens: 512,
    });
    expect(loaded.traces?.get('replay')?.requests).toHaveLength(3);
  });

  it('replays only the first N requests with iterations: N', async () => {
    const file = traceConfig('  - { name: replay, trace: traces/t.jsonl, iterations: 2 }\n', TRACE);
    const loaded = await loadConfigFile(file, {});
    expect(loaded.config.stages[0]).toMatchObject({
      iterations: 2,
      prompt_length: 150,
      time_between_requests: 0.1,
    });
    expect(loaded.traces?.get('replay')?.requests).toHaveLength(2);
  });

  it('points problems inside the trace at the trace file and line', async () => {
    const file = traceConfig(
      '  - { name: replay, trace: traces/t.jsonl }\n',
      `${line({ timestamp: 0, input_length: 5, output_length: 1 })}\n${line({ timestamp: 1, input_length: 5, output_length: 1, hash_ids: [1, 'x'] })}\n`,
    );
    const problems = await problemsOf(file);
    expect(problems).toEqual([
      {
        file: join(file, '..', 'traces', 't.jsonl'),
        line: 2,
        column: 1,
        path: 'hash_ids[1]',
        message: 'expected a non-negative integer, found "x" (trace of stages[0])',
      },
    ]);
    expect(new ConfigError(problems).message).toBe(
      `${join(file, '..', 'traces', 't.jsonl')}:2:1: hash_ids[1]: expected a non-negative integer, found "x" (trace of stages[0])`,
    );
  });

  it('points a missing trace file at the config line of trace:, saying where it looked', async () => {
    const file = traceConfig('  - name: replay\n    trace: traces/missing.jsonl\n', undefined);
    const [problem] = await problemsOf(file);
    expect(problem).toMatchObject({ file, line: 5, path: 'stages[0].trace' });
    expect(problem!.message).toMatch(
      /no such trace file: looked for .*traces\/missing\.jsonl \(a trace path is relative to the config file's folder\)/,
    );
  });

  it.each([
    ['prompt_length: 10', 'stages[0].prompt_length', /a trace stage takes prompt_length from its trace/],
    ['generation_length: 10', 'stages[0].generation_length', /takes generation_length from its trace/],
    [
      'time_between_requests: 1',
      'stages[0].time_between_requests',
      /takes time_between_requests from its trace \(the timestamps\)/,
    ],
    ['no_overlap: true', 'stages[0].no_overlap', /no_overlap cannot apply/],
    ['shared_prefix: { tokens: 4 }', 'stages[0].shared_prefix', /shared_prefix cannot apply/],
    [
      'iterations: 4',
      'stages[0].iterations',
      /expected at most 3 \(the requests of the trace traces\/t\.jsonl\), found 4/,
    ],
    [
      'warmup_requests: 3',
      'stages[0].warmup_requests',
      /expected an integer < the requests replayed \(3\), found 3/,
    ],
    ['trace_speed: 0', 'stages[0].trace_speed', /expected a number > 0/],
    ['trace_spede: 2', 'stages[0].trace_spede', /did you mean "trace_speed"\?/],
  ])('refuses %s in a trace stage', async (extra, path, message) => {
    const file = traceConfig(`  - name: replay\n    trace: traces/t.jsonl\n    ${extra}\n`, TRACE);
    const problems = await problemsOf(file);
    expect(problems.map((problem) => problem.path)).toEqual([path]);
    expect(problems[0]!.message).toMatch(message);
    expect(problems[0]!.line).toBeGreaterThan(0);
  });

  it('still requires the load fields of a plain stage, with the schema message, and trace fields need a trace', () => {
    const base = 'hardware_plan: { a: 1 }\nmodel_ids: [m]\nstages:\n';
    const problems = (text: string): ConfigProblem[] => {
      try {
        parseConfigText(base + text, 'c.yaml', {});
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      throw new Error('accepted');
    };
    expect(problems('  - { name: a, prompt_length: 10, generation_length: 5, iterations: 2 }\n')).toEqual([
      {
        file: 'c.yaml',
        line: 4,
        column: 5,
        path: 'stages[0]',
        message:
          'missing required key "time_between_requests" (a number ≥ 0); required unless the stage sets concurrency',
      },
    ]);
    expect(
      problems(
        '  - { name: a, prompt_length: 10, generation_length: 5, iterations: 2, time_between_requests: 1, trace_block_tokens: 64 }\n',
      ).map((problem) => problem.message),
    ).toEqual(['trace_block_tokens applies to a trace replay only; add trace: FILE, or remove it']);
  });
});

describe('shared_prefix stages in a config', () => {
  const base =
    'hardware_plan: { a: 1 }\nmodel_ids: [m]\nstages:\n  - { name: a, prompt_length: 100, generation_length: 5, iterations: 2, time_between_requests: 1, ';
  const messages = (text: string): string[] => {
    try {
      parseConfigText(`${base}${text} }\n`, 'c.yaml', {});
    } catch (error) {
      if (error instanceof ConfigError)
        return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
      throw error;
    }
    return [];
  };

  it('defaults groups to 1', () => {
    const loaded = parseConfigText(`${base}shared_prefix: { tokens: 64 } }\n`, 'c.yaml', {});
    expect(loaded.config.stages[0]!.shared_prefix).toEqual({ tokens: 64, groups: 1 });
  });

  it('needs room after the prefix, and knows its own keys', () => {
    expect(messages('shared_prefix: { tokens: 100 }')).toEqual([
      'stages[0].shared_prefix.tokens: expected an integer < prompt_length (100), found 100; each prompt needs tokens of its own after the shared prefix',
    ]);
    expect(messages('shared_prefix: { tokens: 10, group: 2 }')).toEqual([
      'stages[0].shared_prefix.group: unknown key; did you mean "groups"?',
    ]);
    expect(messages('shared_prefix: { groups: 2 }')).toEqual([
      'stages[0].shared_prefix: missing required key "tokens" (an integer ≥ 1)',
    ]);
  });
});

describe('composed prompts and the expected cache', () => {
  const trace = parseTrace(
    [
      line({ timestamp: 0, input_length: 100, output_length: 3, hash_ids: [7, 8] }),
      line({ timestamp: 1, input_length: 200, output_length: 3, hash_ids: [7, 8, 9, 10] }),
      line({ timestamp: 2, input_length: 90, output_length: 3, hash_ids: [7, 11] }),
    ].join('\n'),
  ).requests;
  const stage = {
    name: 's',
    prompt_length: 1,
    generation_length: 1,
    time_between_requests: 0,
    iterations: 3,
    no_overlap: false,
    warmup_requests: 0,
    warmup: false,
    trace: 't',
    trace_speed: 1,
    trace_block_tokens: 48,
  };
  const workload = stageWorkload(stage, { file: 't', requests: trace })!;
  // The simulator's stand-in tokenizer: 31 template tokens, a 16-digit nonce is 4 tokens.
  const offsets = { templateTokens: 31, nonceAtStartTokens: 4, nonceAfterWordsTokens: 4 };

  it('composes prompts of exactly the requested tokens, shared blocks first, then the nonce', () => {
    for (let index = 0; index < 3; index += 1) {
      const prompt = composeWorkloadPrompt(workload, index, offsets, 'run\u0000s', `123456781234567${index}`);
      expect(prompt.expectedTokens).toBe(trace[index]!.input_length);
      expect(countPromptTokens([{ role: 'user', content: prompt.text }])).toBe(trace[index]!.input_length);
    }
    const first = composeWorkloadPrompt(workload, 0, offsets, 'run\u0000s', '1234567812345670').text;
    const second = composeWorkloadPrompt(workload, 1, offsets, 'run\u0000s', '1234567812345671').text;
    // Blocks 7 and 8 end at prompt token 96 = 31 template tokens + 65 words: the same words in both.
    const words = first.split(' ');
    expect(second.split(' ').slice(0, 65)).toEqual(words.slice(0, 65));
    expect(words[65]).toBe('1234567812345670');
  });

  it('expects blocks seen before, in a chain, at most input − 1', () => {
    expect(expectedCachedTokens(workload, true)).toEqual([0, 96, 48]);
    expect(expectedCache(workload, true, 1)).toEqual({
      cached_tokens: 144,
      prompt_tokens: 290,
      hit_rate: 144 / 290,
      hit_requests: 2,
      requests: 2,
      request_hit_share: 1,
    });
  });

  it('without nonces, expects a repeated request (same blocks, same length) to be served whole', () => {
    const prefixStage = {
      name: 'p',
      prompt_length: 100,
      generation_length: 1,
      time_between_requests: 0,
      iterations: 5,
      no_overlap: false,
      warmup_requests: 0,
      warmup: false,
      shared_prefix: { tokens: 64, groups: 2 },
    };
    const prefix = stageWorkload(prefixStage, undefined)!;
    // Groups 0 and 1 open; with nonces the rest find their group's 64 tokens, without them the whole
    // prompt (identical to the group's first) less its last token.
    expect(expectedCachedTokens(prefix, true)).toEqual([0, 0, 64, 64, 64]);
    expect(expectedCachedTokens(prefix, false)).toEqual([0, 0, 99, 99, 99]);
    // Group prompts differ from their first words; the nonce follows the prefix.
    const group0 = composeWorkloadPrompt(prefix, 0, offsets, 'run\u0000p', '1111111111111111').text;
    const group1 = composeWorkloadPrompt(prefix, 1, offsets, 'run\u0000p', '2222222222222222').text;
    const again0 = composeWorkloadPrompt(prefix, 2, offsets, 'run\u0000p', '3333333333333333').text;
    expect(again0.split(' ').slice(0, 33)).toEqual(group0.split(' ').slice(0, 33));
    expect(again0.split(' ')[33]).toBe('3333333333333333');
    expect(group1.split(' ').slice(0, 33)).not.toEqual(group0.split(' ').slice(0, 33));
    expect(countPromptTokens([{ role: 'user', content: again0 }])).toBe(100);
  });

  it('draws the same words from the same seed, other words from another', () => {
    expect(seededWords('a', 20)).toBe(seededWords('a', 20));
    expect(seededWords('a', 30).startsWith(seededWords('a', 20))).toBe(true);
    expect(seededWords('a', 20)).not.toBe(seededWords('b', 20));
  });
});

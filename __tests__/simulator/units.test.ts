/** Tokenizer, profile resolution and the `simulate` command. */
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_PROFILE,
  ProfileError,
  countPromptTokens,
  countTextTokens,
  loadProfileFile,
  resolveProfile,
  runSimulateCommand,
  simulateUsage,
} from '../../src/simulator/index.js';

describe('countPromptTokens', () => {
  it('counts words and punctuation, splits long words every 4 characters', () => {
    expect(countTextTokens('hello, world!')).toBe(6); // hell o , worl d !
    expect(countTextTokens('a b c')).toBe(3);
    expect(countTextTokens('')).toBe(0);
    expect(countTextTokens('antidisestablishmentarianism')).toBe(7);
  });

  it('adds the chat-template overhead per message and per request, and drops null content', () => {
    const one = countPromptTokens([{ role: 'user', content: 'hi' }]);
    expect(one).toBe(26 + 5 + 1);
    expect(
      countPromptTokens([
        { role: 'system', content: 'be calm' },
        { role: 'user', content: 'hi' },
      ]),
    ).toBe(26 + 5 + 2 + 5 + 1);
    expect(
      countPromptTokens([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null },
      ]),
    ).toBe(one);
    expect(countPromptTokens([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }])).toBe(one);
    expect(
      countPromptTokens([{ role: 'user', content: 'hi' }], {
        templateTokensPerRequest: 0,
        templateTokensPerMessage: 0,
      }),
    ).toBe(1);
  });

  it('grows with the text like a real tokenizer', () => {
    const short = countPromptTokens([{ role: 'user', content: 'word '.repeat(10) }]);
    const long = countPromptTokens([{ role: 'user', content: 'word '.repeat(1000) }]);
    expect(long - short).toBe(990);
  });
});

describe('profiles', () => {
  it('merges overrides onto documented defaults', () => {
    const p = resolveProfile({ decodeTokensPerSecond: 99, openai: { model: 'm' } as never });
    expect(p.decodeTokensPerSecond).toBe(99);
    expect(p.openai.model).toBe('m');
    expect(p.openai.tokensPerChunk).toBe(1);
    expect(p.maxConcurrentRequests).toBe(8);
    expect(DEFAULT_PROFILE.keepAliveIntervalMs).toBe(10_000);
  });

  it('rejects unknown fields and wrong types, naming them', () => {
    expect(() => resolveProfile({ decodeTokensPerSecnd: 1 } as never)).toThrow(
      /unknown field 'decodeTokensPerSecnd'/,
    );
    expect(() => resolveProfile({ loadDurationMs: 'slow' } as never)).toThrow(ProfileError);
    expect(() => resolveProfile({ faults: { requests: [{ kind: 'nope' }] } } as never)).toThrow(
      /faults: requests\[0\]\.kind/,
    );
  });

  it('loads JSON and YAML files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-profile-'));
    await writeFile(
      join(dir, 'p.yaml'),
      'loadDurationMs: 100\nmodels:\n  - modelId: org/Custom\n    nLayers: 4\n    storageSizeBytes: 1000\n',
    );
    await writeFile(join(dir, 'p.json'), '{"warmupMs": 7}');
    expect((await loadProfileFile(join(dir, 'p.yaml'))).loadDurationMs).toBe(100);
    expect((await loadProfileFile(join(dir, 'p.json'))).warmupMs).toBe(7);
  });
});

describe('runSimulateCommand', () => {
  it('prints one JSON line of nodes, serves, and exits 0 when signalled', async () => {
    const out: string[] = [];
    const controller = new AbortController();
    const done = runSimulateCommand(
      ['--nodes', '2', '--seed', '5'],
      { stdout: (l) => out.push(l), stderr: () => undefined },
      controller.signal,
    );
    for (let i = 0; i < 200 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const line = JSON.parse(out[0] as string) as { nodes: { node_id: string; url: string }[] };
    expect(line.nodes).toHaveLength(2);
    const res = await fetch(`${line.nodes[1]!.url}/node_id`);
    expect(await res.json()).toBe(line.nodes[1]!.node_id);
    controller.abort();
    expect(await done).toBe(0);
  });

  it('the same seed gives the same node IDs; --port P puts node i on P+i', async () => {
    const run = async (args: string[]): Promise<{ node_id: string; url: string }[]> => {
      const out: string[] = [];
      const controller = new AbortController();
      const done = runSimulateCommand(
        args,
        { stdout: (l) => out.push(l), stderr: () => undefined },
        controller.signal,
      );
      for (let i = 0; i < 200 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      await done;
      return (JSON.parse(out[0] as string) as { nodes: { node_id: string; url: string }[] }).nodes;
    };
    const a = await run(['--nodes', '2', '--seed', '42']);
    const b = await run(['--nodes=2', '--seed=42']);
    expect(a.map((n) => n.node_id)).toEqual(b.map((n) => n.node_id));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const c = await run(['--nodes', '2', '--port', String(port)]);
    expect(c.map((n) => n.url)).toEqual([`http://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]);
  });

  it('--help prints the usage; bad flags exit 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await runSimulateCommand(['--help'], { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }),
    ).toBe(0);
    expect(out[0]).toBe(simulateUsage);
    expect(
      await runSimulateCommand(['--nodes', 'zero'], {
        stdout: (l) => out.push(l),
        stderr: (l) => err.push(l),
      }),
    ).toBe(2);
    expect(
      await runSimulateCommand(['--flavor', 'vllm'], {
        stdout: (l) => out.push(l),
        stderr: (l) => err.push(l),
      }),
    ).toBe(2);
    expect(err.join('\n')).toContain('--flavor must be exo or openai');
  });
});

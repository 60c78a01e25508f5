/**
 * Text from servers (error messages, node names) and from the config (stage names) reaches summary.md,
 * report.html and the PR comment only as inert text: no HTML element, no link, no broken table, no new
 * block. The hostile text comes over real sockets from the simulator's fault injection.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import { commentMarker, renderPrComment } from '../../src/verdict/render.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
/** Every trick at once: HTML, a table pipe, code fences, a heading after a newline, a javascript: link. */
const HOSTILE =
  '<script>alert(1)</script> a|b ``` `tick` <img src=x onerror=alert(2)>\n# heading\r\n- item [x](javascript:alert(3)) ![i](javascript:alert(4))';

/**
 * Removes code spans (their content shows verbatim, so it is inert) and fenced blocks, keeping
 * backslash escapes in place. What is left is the text a Markdown renderer would interpret.
 */
function interpretedText(markdown: string): string {
  const withoutFences = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  let out = '';
  for (let i = 0; i < withoutFences.length;) {
    const c = withoutFences[i] as string;
    if (c === '\\') {
      out += withoutFences.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(withoutFences.slice(i))?.[0] ?? '`';
      const close = withoutFences.indexOf(run, i + run.length);
      // A code span closes with a run of exactly the same length.
      if (close > 0 && withoutFences[close + run.length] !== '`') {
        out += '␣';
        i = close + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

/** Characters not preceded by a backslash (an escaped backslash itself counts as escaped text). */
function unescaped(text: string, pattern: RegExp): string[] {
  const hits: string[] = [];
  for (const match of text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))) {
    const before = text.slice(0, match.index);
    const backslashes = /\\*$/.exec(before)?.[0].length ?? 0;
    if (backslashes % 2 === 0) hits.push(match[0]);
  }
  return hits;
}

/** The Markdown renders the hostile text as text only. */
function expectInertMarkdown(markdown: string): void {
  const text = interpretedText(markdown);
  // No HTML element or comment opened by foreign text (the summary's own <details>, <sub> and <br> are allowed).
  expect(unescaped(text, /<(?!\/?(details|summary|sub|br)>|!-- exo-bench:)[A-Za-z!/?]/)).toEqual([]);
  // No link or image: `](` with an unescaped bracket.
  expect(unescaped(text, /\]\(/)).toEqual([]);
  expect(text).not.toMatch(/^#+ heading/m);
  expect(text).not.toMatch(/^\s*- item/m);
  // Every table row has as many cell separators as its header.
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (!lines[i]!.startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
    const header = unescaped(lines[i]!, /\|/).length;
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j += 1)
      expect([lines[j], unescaped(lines[j]!, /\|/).length]).toEqual([lines[j], header]);
  }
  // Mermaid labels are HTML to mermaid: nothing that opens a tag there either.
  for (const block of markdown.match(/^```mermaid\n[\s\S]*?^```$/gm) ?? []) expect(block).not.toMatch(/</);
}

function expectInertHtml(html: string): void {
  expect(html).not.toMatch(/<script|<img|javascript:\s*alert\(\d\)"/i);
  // The text is there, as text.
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; a|b');
}

function hostileConfig(stageName: string): string {
  return `
hardware_plan: { sim: 1 }
timeout_seconds: 10
max_dispatch_lag_p99_ms: 1000
request_timeout_seconds: 3
stream_idle_timeout_seconds: 2
calibrate_prompts: false
model_ids: [${MODEL}]
stages:
  - { name: ${JSON.stringify(stageName)}, prompt_length: 16, generation_length: 4, time_between_requests: 0.02, iterations: 4 }
`;
}

async function runWith(profile: object, faults?: object): Promise<NodeRunOutcome> {
  const simulator = await startSimulator({ nodes: 1, profile: { ...FAST_TEST_PROFILE, ...profile } });
  try {
    if (faults) simulator.setFaults(faults);
    return await runNode(
      parseConfigText(hostileConfig(`stage ${HOSTILE}`), 'hostile.yaml', {}),
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 1,
        timeoutSeconds: 10,
        outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-escaping-')),
        runId: 'x',
        hardwareLabel: 'M3ULTRA',
        pollIntervalMs: 20,
      },
      { logger: new MemoryLogger() },
    );
  } finally {
    await simulator.close();
  }
}

describe('hostile text in request errors, node names and stage names', () => {
  let outcome: NodeRunOutcome;

  beforeAll(async () => {
    outcome = await runWith(
      { chipId: `chip ${HOSTILE}` },
      {
        requests: [
          { kind: 'error_chunk', afterTokens: 1, count: 1, message: HOSTILE },
          { kind: 'http_error', status: 500, count: 1, message: HOSTILE },
        ],
      },
    );
  }, 30_000);

  it('the hostile text did reach the results (so the renderers were tested with it)', () => {
    const stage = outcome.document.results.stages[0]!;
    expect(stage.name).toBe(`stage ${HOSTILE}`);
    expect(stage.errors.map((e) => e.error_class).sort()).toEqual(['error_chunk', 'http_status']);
    expect(stage.errors.find((e) => e.error_class === 'error_chunk')?.example).toBe(HOSTILE);
    expect(outcome.document.cluster.nodes[0]?.chip).toBe(`chip ${HOSTILE}`);
  });

  it('summary.md: inert', () => {
    const summary = readFileSync(outcome.summaryPath, 'utf8');
    expect(summary).toContain('### Most frequent errors');
    expect(summary).toContain('### Cluster');
    expectInertMarkdown(summary);
  });

  it('report.html: inert', () => {
    expectInertHtml(readFileSync(outcome.reportPath, 'utf8'));
  });

  it('the PR comment: inert', () => {
    const comment = renderPrComment(outcome.document, commentMarker('bench <x>', 'c.yaml -->'), {
      runUrl: 'https://github.com/o/r/actions/runs/1',
      artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/2',
    });
    expect(comment).toContain('**2/4** requests succeeded');
    expectInertMarkdown(
      comment.replace(/\[(Workflow run|Artifact[^\]]*)\]\(https:\/\/github\.com[^)]*\)/g, ''),
    );
  });
});

describe('a hostile runner failure message becomes the run error', () => {
  it('summary.md, report.html and the PR comment stay inert', async () => {
    const outcome = await runWith({
      faults: { runnerFailure: { failures: 5, errorMessage: HOSTILE } },
    });
    expect(outcome.verdict).toBe('error');
    expect(outcome.document.error?.message).toContain('<script>alert(1)</script>');
    expectInertMarkdown(outcome.summaryMarkdown);
    expectInertHtml(readFileSync(outcome.reportPath, 'utf8'));
    expectInertMarkdown(renderPrComment(outcome.document, commentMarker('w', 'c'), {}));
  }, 30_000);
});

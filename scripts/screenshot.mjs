// Looks at what we render: summary.md as GitHub shows it (GitHub-flavoured Markdown, <details>,
// Mermaid charts rendered) and report.html, each screenshotted by headless Chromium at 1,000 px wide —
// about the width GitHub gives a job summary.
//
//   node scripts/screenshot.mjs [--results DIR] [--out DIR] [--width 1000] [--height 3000]
//
// DIR holds summary.md and report.html (default: run `npm run demo`-like first into a temp dir, using
// configs/bench_config.yaml with its gaps shortened, so every table and chart has something to show).
// Needs Chromium (Debian: apt-get install -y chromium) and the devDependencies marked (GFM → HTML, as
// GitHub renders it) and mermaid (its browser bundle is loaded into the page from node_modules).
// Writes summary.html, summary.png and report.png into --out (default exo-bench-screenshots/).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function flag(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

const width = Number(flag('width', '1000'));
const height = Number(flag('height', '3000'));
const out = resolve(flag('out', 'exo-bench-screenshots'));
mkdirSync(out, { recursive: true });

/** A results folder to look at: given, or made by a short simulated run of bench_config.yaml. */
function resultsDir() {
  const given = flag('results', undefined);
  if (given) return resolve(given);
  const dir = mkdtempSync(join(tmpdir(), 'exo-bench-shot-'));
  const config = readFileSync(join(ROOT, 'configs', 'bench_config.yaml'), 'utf8').replace(
    /time_between_requests: ([\d.]+)/g,
    (_, seconds) => `time_between_requests: ${Number(seconds) / 10}`,
  );
  writeFileSync(join(dir, 'bench.yaml'), config);
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'dist', 'cli', 'index.js'),
      '--simulate',
      '--config',
      join(dir, 'bench.yaml'),
      '--output',
      join(dir, 'results'),
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (!existsSync(join(dir, 'results', 'summary.md')))
    throw new Error(`the simulated run wrote no summary (exit ${run.status}):\n${run.stderr}`);
  return join(dir, 'results');
}

function chromium() {
  for (const candidate of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      execFileSync('which', [candidate], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next
    }
  }
  throw new Error('no Chromium found: apt-get update && apt-get install -y chromium');
}

function screenshot(url, png) {
  const profile = mkdtempSync(join(tmpdir(), 'exo-bench-chromium-'));
  execFileSync(
    chromium(),
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      // Mermaid renders after load: give it time before the shot.
      '--virtual-time-budget=10000',
      `--screenshot=${png}`,
      url,
    ],
    { stdio: 'ignore', timeout: 120_000 },
  );
}

/**
 * The summary as GitHub's job summary page shows it: GFM (tables, <details>, inline HTML), a column of
 * the width GitHub gives it, its fonts and table borders, Mermaid blocks rendered by mermaid itself.
 * `window.__overflow` records tables wider than the column (they would scroll sideways).
 */
function summaryPage(markdown) {
  const html = marked.parse(markdown, { gfm: true });
  const mermaid = join(ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
  return `<!doctype html><html><head><meta charset="utf-8"><title>summary.md</title>
<style>
body{margin:0;background:#fff;color:#1f2328;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif}
.markdown-body{box-sizing:border-box;width:${width - 32}px;margin:16px;padding:16px;border:1px solid #d0d7de;border-radius:6px}
table{border-collapse:collapse;display:block;max-width:100%;overflow:auto;margin:0 0 16px}
td,th{border:1px solid #d0d7de;padding:6px 13px}th{font-weight:600}tr:nth-child(2n){background:#f6f8fa}
code{background:#eff1f3;border-radius:6px;padding:.2em .4em;font-size:85%}
blockquote{margin:0 0 16px;padding:0 1em;color:#59636e;border-left:.25em solid #d1d9e0}
pre.mermaid{background:none}
</style></head><body><div class="markdown-body">${html}</div>
<script src="file://${mermaid}"></script>
<script>
for (const code of document.querySelectorAll('pre > code.language-mermaid')) {
  const pre = code.parentElement; pre.className = 'mermaid'; pre.textContent = code.textContent;
}
mermaid.initialize({ startOnLoad: false });
mermaid.run().then(() => {
  const wide = [...document.querySelectorAll('table')].filter((t) => t.scrollWidth > t.clientWidth + 1);
  document.title = 'overflow:' + wide.map((t) => t.querySelector('th')?.textContent).join(',');
});
</script></body></html>`;
}

const dir = resultsDir();
const summaryHtml = join(out, 'summary.html');
writeFileSync(summaryHtml, summaryPage(readFileSync(join(dir, 'summary.md'), 'utf8')));
copyFileSync(join(dir, 'report.html'), join(out, 'report.html'));
screenshot(`file://${summaryHtml}`, join(out, 'summary.png'));
screenshot(`file://${join(out, 'report.html')}`, join(out, 'report.png'));
process.stdout.write(
  `${JSON.stringify({ results: dir, summary: join(out, 'summary.png'), report: join(out, 'report.png'), width })}\n`,
);

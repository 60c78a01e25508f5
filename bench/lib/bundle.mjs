// Bundles a TypeScript entry with ncc (the compiler dist/ is built with) into a temporary folder and
// imports it, so in-process benches run compiled code as the action ships it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './common.mjs';

export async function loadBundle(entry) {
  const outDir = mkdtempSync(join(tmpdir(), 'exo-bench-bundle-'));
  try {
    execFileSync(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
        'build',
        join(REPO_ROOT, entry),
        '-o',
        outDir,
        '--quiet',
        '--transpile-only',
      ],
      { stdio: 'inherit', cwd: REPO_ROOT },
    );
    return await import(pathToFileURL(join(outDir, 'index.js')).href);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

// Builds the three ncc bundles, each into its own sibling folder (ncc wipes .js files under its output
// folder, so one bundle must never be nested inside another). Stale files are removed first so a
// rebuild is byte-for-byte what a clean clone would produce.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const entries = [
  ['src/action/main.ts', 'dist/main'],
  ['src/action/post.ts', 'dist/post'],
  ['src/cli/main.ts', 'dist/cli'],
];
const only = process.argv.slice(2);
for (const [entry, out] of entries) {
  if (only.length > 0 && !only.some((name) => out.endsWith(name))) continue;
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      entry,
      '-o',
      out,
      '--license',
      'licenses.txt',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
}

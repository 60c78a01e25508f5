// Builds the three ncc bundles, each into its own sibling folder (ncc wipes .js files under its output
// folder, so one bundle must never be nested inside another). Stale files are removed first so a
// rebuild is byte-for-byte what a clean clone would produce.
//
// Each bundle's licenses.txt is written here from webpack's stats, not by ncc's `--license`: that
// plugin writes one file per chunk under the same name, so with lazily loaded chunks (undici, the
// artifact client) the last chunk written wins and the packages of the others go unlisted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const entries = [
  ['src/action/main.ts', 'dist/main'],
  ['src/action/post.ts', 'dist/post'],
  ['src/cli/main.ts', 'dist/cli'],
];
const only = process.argv.slice(2);
const scratch = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'exo-bench-build-'));
try {
  for (const [entry, out] of entries) {
    if (only.length > 0 && !only.some((name) => out.endsWith(name))) continue;
    rmSync(out, { recursive: true, force: true });
    const statsPath = join(scratch, `${out.replaceAll('/', '-')}.json`);
    execFileSync(
      process.execPath,
      [
        'node_modules/@vercel/ncc/dist/ncc/cli.js',
        'build',
        entry,
        '-o',
        out,
        '--stats-out',
        statsPath,
        '--quiet',
      ],
      { stdio: 'inherit' },
    );
    writeFileSync(join(out, 'licenses.txt'), licenses(JSON.parse(readFileSync(statsPath, 'utf8'))));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Every bundled package's name, licence type and licence text, in name order (ncc's format). */
function licenses(stats) {
  const roots = new Map();
  const visit = (modules) => {
    for (const module of modules ?? []) {
      visit(module.modules);
      // The resource is the identifier's last part, after the loaders and before a concatenation hash.
      const resource = String(module.identifier ?? '')
        .split('!')
        .pop()
        .split('|')[0];
      const at = resource.lastIndexOf('/node_modules/');
      if (at < 0) continue;
      const parts = resource.slice(at + '/node_modules/'.length).split('/');
      const root =
        resource.slice(0, at + '/node_modules/'.length) +
        parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join('/');
      // ncc's own loaders and runtime helpers are build tooling, not shipped dependencies.
      if (!root.endsWith('/@vercel/ncc')) roots.set(root, true);
    }
  };
  visit(stats.modules);
  const byName = new Map();
  for (const root of roots.keys()) {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    if (byName.has(pkg.name)) continue;
    const file = readdirSync(root).find((name) => /^licen[cs]e(\.(md|txt))?$/i.test(name));
    const text = file ? readFileSync(join(root, file), 'utf8').trim() : '';
    byName.set(pkg.name, `${pkg.name}\n${licenseType(pkg)}\n${text}`);
  }
  return [...byName.keys()]
    .sort()
    .map((name) => `${byName.get(name)}\n\n`)
    .join('');
}

function licenseType(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}

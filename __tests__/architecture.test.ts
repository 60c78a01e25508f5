/**
 * The import rule (issue #16): docs/architecture.md's layer table is the one in
 * scripts/import-layers.cjs, every folder of src/ has a layer, src/ passes the rule, and the rule does
 * catch a back-edge (a type-only one included) in a small tree of its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const { LAYERS } = createRequire(import.meta.url)('../scripts/import-layers.cjs') as { LAYERS: string[][] };
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function documentedLayers(): string[][] {
  const text = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => /^\| \d+ \|/.test(line))
    .map((line) =>
      [...(line.split('|')[2] ?? '').matchAll(/`([a-z-]+)`/g)].map((match) => match[1] as string),
    );
}

describe('the layers of src/', () => {
  it('docs/architecture.md lists the layers the lint rule enforces, in order', () => {
    expect(documentedLayers()).toEqual(LAYERS);
  });

  it('every folder of src/ has a layer, and src/ has no loose files', () => {
    const entries = readdirSync(join(ROOT, 'src'), { withFileTypes: true });
    expect(entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name)).toEqual([]);
    const folders = entries.map((entry) => entry.name).sort();
    expect(folders).toEqual(LAYERS.flat().sort());
  });

  it('src/ passes the rule', () => {
    const out = execFileSync(process.execPath, [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(out).toMatch(/no dependency violations found/);
  }, 60_000);

  it('a back-edge fails the rule, a type-only one too, and an edge down passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-bench-layers-'));
    try {
      cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
      mkdirSync(join(dir, 'scripts'));
      cpSync(join(ROOT, 'scripts/import-layers.cjs'), join(dir, 'scripts/import-layers.cjs'));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true },
        }),
      );
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      for (const folder of ['config', 'report', 'metrics'])
        mkdirSync(join(dir, 'src', folder), { recursive: true });
      writeFileSync(join(dir, 'src/report/summary.ts'), 'export interface Summary { a: number }\n');
      writeFileSync(
        join(dir, 'src/metrics/stats.ts'),
        'export const mean = (xs: number[]): number => xs.length;\n',
      );
      const cruise = (): { status: number | null; out: string } => {
        const result = spawnSync(
          process.execPath,
          [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs'],
          {
            cwd: dir,
            encoding: 'utf8',
          },
        );
        return { status: result.status, out: `${result.stdout}${result.stderr}` };
      };
      // config (layer 5) → metrics (layer 4): down, allowed.
      writeFileSync(
        join(dir, 'src/config/schema.ts'),
        "import { mean } from '../metrics/stats.js';\nexport const x = mean([1]);\n",
      );
      expect(cruise()).toMatchObject({ status: 0 });
      // config → report (layer 10), a type only: a back-edge all the same.
      writeFileSync(
        join(dir, 'src/config/schema.ts'),
        "import type { Summary } from '../report/summary.js';\nexport const x: Summary = { a: 1 };\n",
      );
      const back = cruise();
      expect(back.status).not.toBe(0);
      expect(back.out).toMatch(/layer-config: src\/config\/schema\.ts → src\/report\/summary\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

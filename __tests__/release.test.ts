/**
 * Shipping like GitHub's own actions (issue #20): one version everywhere, Marketplace metadata within
 * GitHub's rules, workflows pinned, and the release's major-tag move exercised against a local bare
 * repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { VERSION } from '../src/core/version.js';
import { RESULTS_SCHEMA_VERSION } from '../src/results/document.js';
import { runNode } from '../src/run/benchmark.js';
import { parseConfigText } from '../src/config/index.js';
import { FAST_TEST_PROFILE, startSimulator } from '../src/simulator/index.js';
import { MemoryLogger } from './helpers/memory-logger.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('one version everywhere', () => {
  const pkg = JSON.parse(read('package.json')) as { version: string; license: string };

  it('package.json, src/core/version.ts, the changelog and exo-bench --version agree', () => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(VERSION).toBe(pkg.version);
    const released = /^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/m.exec(read('CHANGELOG.md'))?.[1];
    expect(released).toBe(pkg.version);
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(cli.stdout.trim()).toBe(pkg.version);
  });

  it('results.json names the same version', async () => {
    const simulator = await startSimulator({ nodes: 1, profile: { ...FAST_TEST_PROFILE } });
    try {
      const outcome = await runNode(
        parseConfigText(
          `hardware_plan: { sim: 1 }
timeout_seconds: 10
calibrate_prompts: false
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages: [{ name: s, prompt_length: 16, generation_length: 2, time_between_requests: 0, iterations: 1 }]`,
          'version.yaml',
          {},
        ),
        {
          apiUrl: simulator.url,
          isPrimary: true,
          expectedNodes: 1,
          timeoutSeconds: 10,
          outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-version-')),
          runId: 'v',
          pollIntervalMs: 20,
        },
        { logger: new MemoryLogger() },
      );
      const document = JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as {
        tool: { version: string };
        schema_version: string;
      };
      expect(document.tool.version).toBe(pkg.version);
      expect(document.schema_version).toBe(RESULTS_SCHEMA_VERSION);
    } finally {
      await simulator.close();
    }
  });

  it('the licence file is the one package.json names, and the bundles carry their third-party licences', () => {
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    for (const bundle of ['main', 'post', 'cli'])
      expect(read(`dist/${bundle}/licenses.txt`).length).toBeGreaterThan(100);
  });

  it("each bundle's licences name the packages of all its chunks, the lazily loaded ones included", () => {
    // scripts/build.mjs writes them from webpack's stats; ncc's --license kept only the last chunk's.
    const expected: Record<string, string[]> = {
      main: ['@actions/artifact', '@actions/core', '@actions/github', 'undici', 'yaml'],
      post: ['@actions/artifact', '@actions/core', 'undici'],
      cli: ['undici', 'yaml'],
    };
    for (const [bundle, names] of Object.entries(expected)) {
      for (const name of names)
        expect(read(`dist/${bundle}/licenses.txt`)).toMatch(new RegExp(`(^|\n\n)${name}\n`));
    }
  });
});

describe('Marketplace metadata (action.yml)', () => {
  const action = parse(read('action.yml')) as {
    name: string;
    description: string;
    author?: string;
    branding: { icon: string; color: string };
  };

  it('has a short name, a description under 125 characters and an author', () => {
    expect(action.name.length).toBeGreaterThan(0);
    expect(action.name.length).toBeLessThanOrEqual(30);
    expect(action.description.length).toBeLessThan(125);
    expect(action.author).toBeTruthy();
  });

  it('uses a branding colour and a Feather icon GitHub accepts', () => {
    // GitHub's colours, and Feather v4.28 icons (the omitted ones: coffee, columns, divide*, frown,
    // hexagon, key, meh, mouse-pointer, smile, tool, x-octagon).
    expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(
      action.branding.color,
    );
    const accepted = [
      'activity',
      'bar-chart',
      'bar-chart-2',
      'cpu',
      'server',
      'zap',
      'trending-up',
      'clock',
      'layers',
    ];
    expect(accepted).toContain(action.branding.icon);
  });
});

describe('workflows', () => {
  const files = ['.github/workflows', 'examples/workflows'].flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => `${dir}/${name}`),
  );

  it("pin GitHub's own actions to a major version and any other action to a commit SHA", () => {
    const uses: string[] = [];
    for (const file of files)
      for (const match of read(file).matchAll(/^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)/gm))
        uses.push(`${file}: ${match[1]}`);
    expect(uses.length).toBeGreaterThan(5);
    for (const entry of uses) {
      const ref = entry.split(': ')[1] as string;
      const ok =
        ref === './' ||
        /^actions\/[a-z-]+@v\d+$/.test(ref) ||
        /^exo\/bench-action@v\d+$/.test(ref) ||
        /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(ref);
      expect([entry, ok]).toEqual([entry, true]);
    }
  });

  it('the release workflow writes only in the job that moves the tag', () => {
    const release = parse(read('.github/workflows/release.yml')) as {
      permissions: Record<string, string>;
      jobs: Record<string, { permissions?: Record<string, string>; steps: Array<{ run?: string }> }>;
    };
    expect(release.permissions).toEqual({ contents: 'read' });
    const writers = Object.entries(release.jobs).filter(([, job]) => job.permissions?.contents === 'write');
    expect(writers.map(([name]) => name)).toEqual(['major-tag']);
    expect(release.jobs['check']?.steps.some((step) => step.run === '.ci/run')).toBe(true);
    expect(
      release.jobs['major-tag']?.steps.some((step) => step.run?.startsWith('scripts/move-major-tag.sh')),
    ).toBe(true);
  });
});

describe('scripts/move-major-tag.sh against a local bare repository', () => {
  const script = join(ROOT, 'scripts', 'move-major-tag.sh');
  let root: string;
  let work: string;
  let bare: string;
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();
  const commit = (message: string): string => {
    writeFileSync(join(work, 'file.txt'), message);
    git(work, 'add', 'file.txt');
    git(work, 'commit', '-q', '-m', message);
    return git(work, 'rev-parse', 'HEAD');
  };
  const remoteTag = (tag: string): string => git(bare, 'rev-parse', `refs/tags/${tag}^{commit}`);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'exo-bench-release-'));
    bare = join(root, 'bare.git');
    work = join(root, 'work');
    git(root, 'init', '-q', '--bare', bare);
    git(root, 'clone', '-q', bare, work);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('tag v1.2.3 → v1 points at it; v1.3.0 moves it; a pre-release leaves it; junk is refused', () => {
    const first = commit('one');
    git(work, 'tag', 'v1.2.3');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main', 'refs/tags/v1.2.3');
    expect(execFileSync(script, ['v1.2.3', 'origin'], { cwd: work, encoding: 'utf8' })).toContain(
      'v1 -> v1.2.3',
    );
    expect(remoteTag('v1')).toBe(first);

    const second = commit('two');
    git(work, 'tag', 'v1.3.0');
    execFileSync(script, ['v1.3.0'], { cwd: work });
    expect(remoteTag('v1')).toBe(second);

    commit('three');
    git(work, 'tag', 'v1.4.0-rc.1');
    expect(execFileSync(script, ['v1.4.0-rc.1'], { cwd: work, encoding: 'utf8' })).toContain('pre-release');
    expect(remoteTag('v1')).toBe(second);

    const junk = spawnSync(script, ['latest'], { cwd: work, encoding: 'utf8' });
    expect([junk.status, junk.stderr.trim()]).toEqual([2, 'not a release tag (vX.Y.Z): latest']);
  });
});

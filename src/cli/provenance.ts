/**
 * Provenance of a command-line run: the commit of the working directory when it is a git checkout
 * (`git rev-parse HEAD`, bounded; no git, no commit, no failure), the host, the tool and the config.
 */
import { execFileSync } from 'node:child_process';
import { arch, hostname, platform } from 'node:os';
import { baseProvenance, type SimulationFacts } from '../run/provenance.js';
import type { Provenance } from '../results/document.js';

/** How long `git rev-parse` may take before the commit is left out, ms. */
const GIT_TIMEOUT_MS = 2_000;

/** HEAD of the git checkout around `cwd`, or undefined (not a checkout, no git, too slow). */
export function gitHead(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      timeout: GIT_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** The CLI run's provenance. */
export function cliProvenance(
  configFile: string,
  simulation: SimulationFacts,
  cwd = process.cwd(),
): Provenance {
  const provenance = baseProvenance('cli', configFile, simulation);
  const commit = gitHead(cwd);
  if (commit) provenance.commit = commit;
  provenance.runner = { name: hostname(), os: platform(), arch: arch() };
  return provenance;
}

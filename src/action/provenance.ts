/**
 * Provenance of an action run, from the variables the runner sets for every step (GITHUB_REPOSITORY,
 * GITHUB_SHA, GITHUB_REF, GITHUB_EVENT_NAME, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_WORKFLOW,
 * GITHUB_JOB, RUNNER_NAME, RUNNER_OS, RUNNER_ARCH, GITHUB_SERVER_URL).
 */
import { baseProvenance, type SimulationFacts } from '../run/provenance.js';
import type { Provenance } from '../results/document.js';

/** The run's provenance; a variable the runner did not set is left out. */
export function githubProvenance(
  env: NodeJS.ProcessEnv,
  configFile: string,
  simulation: SimulationFacts,
): Provenance {
  const provenance = baseProvenance('github-actions', configFile, simulation);
  const set = <K extends keyof Provenance>(key: K, value: Provenance[K] | undefined | ''): void => {
    if (value !== undefined && value !== '') provenance[key] = value as Provenance[K];
  };
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  set('repository', env.GITHUB_REPOSITORY);
  set('commit', env.GITHUB_SHA);
  set('ref', env.GITHUB_REF);
  set('event', env.GITHUB_EVENT_NAME);
  set('server_url', server);
  set('run_id', env.GITHUB_RUN_ID);
  const attempt = Number(env.GITHUB_RUN_ATTEMPT);
  if (Number.isInteger(attempt) && attempt > 0) provenance.run_attempt = attempt;
  if (env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID)
    provenance.run_url = `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt > 1 ? `/attempts/${attempt}` : ''}`;
  set('workflow', env.GITHUB_WORKFLOW);
  set('job', env.GITHUB_JOB);
  const runner: NonNullable<Provenance['runner']> = {};
  if (env.RUNNER_NAME) runner.name = env.RUNNER_NAME;
  if (env.RUNNER_OS) runner.os = env.RUNNER_OS;
  if (env.RUNNER_ARCH) runner.arch = env.RUNNER_ARCH;
  if (Object.keys(runner).length > 0) provenance.runner = runner;
  return provenance;
}

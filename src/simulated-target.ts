/**
 * `--simulate` / `simulate: true`: the embedded simulator standing in for whatever the config targets —
 * an EXO cluster with the config's node count, or an OpenAI-compatible server serving the config's
 * model. Both shells start it the same way.
 */
import type { BenchConfig } from './config/types.js';
import { DEFAULT_PROFILE, startSimulator, type SimulatorHandle } from './simulator/index.js';

/** Starts a simulator shaped like the config's target; `profilePath` overrides the default profile. */
export function startSimulatorForConfig(
  config: BenchConfig,
  expectedNodes: number,
  profilePath?: string,
): Promise<SimulatorHandle> {
  const target = config.target;
  return startSimulator({
    nodes: Math.max(1, expectedNodes),
    ...(target.kind === 'openai' ? { flavor: 'openai' as const } : {}),
    ...(profilePath
      ? { profile: profilePath }
      : target.kind === 'openai'
        ? { profile: { openai: { ...DEFAULT_PROFILE.openai, model: target.model } } }
        : {}),
  });
}

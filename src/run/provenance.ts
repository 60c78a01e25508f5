/**
 * What both shells know about where a result came from: the tool, the config and its hash, the
 * simulator. The action adds the GitHub run (src/action/provenance.ts), the CLI git and the host
 * (src/cli/provenance.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Provenance } from '../results/document.js';
import { VERSION } from '../core/version.js';

/** SHA-256 of a file's bytes (hex), or undefined when it cannot be read. */
export function fileSha256(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** How the server was provided: the simulator (with its profile file, if any) or not. */
export interface SimulationFacts {
  simulated: boolean;
  /** The profile file given to the simulator; undefined = its default profile. */
  profilePath?: string | undefined;
}

/** The fields every shell fills; `started_at` is set by the engine when the node starts. */
export function baseProvenance(
  source: Provenance['source'],
  configFile: string,
  simulation: SimulationFacts,
): Provenance {
  const sha = fileSha256(configFile);
  return {
    source,
    tool_version: VERSION,
    started_at: new Date().toISOString(),
    config_file: configFile,
    ...(sha ? { config_sha256: sha } : {}),
    simulated: simulation.simulated,
    ...(simulation.simulated
      ? { simulator_profile: simulation.profilePath ? basename(simulation.profilePath) : 'default' }
      : {}),
  };
}

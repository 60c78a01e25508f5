/**
 * The part of EXO's command line (exo-api.md 1.1, 1.2) a simulated node process understands: what
 * `POST /_simulator/nodes/{i}/start` receives as `args` and `env`, and what
 * `exo-bench simulate node` forwards from its own command line and environment.
 */
import type { NodeStartOptions } from './cluster.js';

/** EXO variables of the models dirs, forwarded by `exo-bench simulate node`. */
export const EXO_MODEL_DIR_VARIABLES = [
  'EXO_DEFAULT_MODELS_DIR',
  'EXO_MODELS_DIRS',
  'EXO_MODELS_READ_ONLY_DIRS',
] as const;

/** A parsed start request. `apiPort` is recorded only: each simulated node keeps its own port. */
export interface ParsedExoStart extends NodeStartOptions {
  apiPort: number | null;
}

const splitDirs = (value: string | undefined): string[] =>
  (value ?? '').split(':').filter((d) => d.length > 0);

/**
 * Reads `--force-master`/`-m`, `--namespace S`, `--api-port N` (either `--flag value` or
 * `--flag=value`) and the models-dir variables; other EXO flags are accepted and ignored.
 */
export function parseExoStart(
  args: readonly string[],
  env: Record<string, string | undefined>,
): ParsedExoStart {
  const out: ParsedExoStart = { apiPort: null, forceMaster: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : args[++i]);
    if (name === '-m' || name === '--force-master') out.forceMaster = true;
    else if (name === '--namespace') out.namespace = value();
    else if (name === '--api-port') {
      const port = Number(value());
      out.apiPort = Number.isInteger(port) ? port : null;
    }
  }
  const writable = [...splitDirs(env.EXO_DEFAULT_MODELS_DIR), ...splitDirs(env.EXO_MODELS_DIRS)];
  if (writable.length > 0) out.writableModelsDirs = writable;
  const readOnly = splitDirs(env.EXO_MODELS_READ_ONLY_DIRS);
  if (readOnly.length > 0) out.readOnlyModelsDirs = readOnly;
  return out;
}

/**
 * Ports: where a run's side effects go. The action implements them with @actions/* (src/action/ports.ts),
 * the CLI and the tests with files and memory (src/cli/ports.ts). The engine only sees these interfaces.
 */

/** Where an annotation points: used for config errors so they show in the PR's file view. */
export interface Annotation {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

/** Log lines, grouped per phase and stage. */
export interface Logger {
  info(message: string): void;
  warning(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
  debug(message: string): void;
  /** Runs `fn` inside a collapsible group (a plain header on a terminal). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Where a run hides the credentials it learns from the logs (the action's `core.setSecret`). */
export interface SecretMasks {
  mask?(value: string): void;
  env?: { mask(value: string): void };
}

/** What runNode (src/run/benchmark.ts) needs of a shell: a logger, and masks for the secrets it learns. */
export interface NodeRunPorts extends SecretMasks {
  logger: Logger;
}

/** The job summary (GITHUB_STEP_SUMMARY) or its CLI equivalent. Written once, as a whole. */
export interface SummarySink {
  write(markdown: string): Promise<void>;
}

/** Step outputs (GITHUB_OUTPUT) or their CLI equivalent. */
export interface OutputSink {
  set(name: string, value: string): void;
}

/** Variables exported to later steps (GITHUB_ENV), and values to mask in logs. */
export interface EnvSink {
  exportVariable(name: string, value: string): void;
  /** Registers a value that must never be printed. */
  mask(value: string): void;
}

/** State saved by the main step for the post step (GITHUB_STATE). */
export interface StateStore {
  save(name: string, value: string): void;
  get(name: string): string;
}

/** Where an uploaded artifact ended up. */
export interface ArtifactResult {
  id?: number;
  url?: string;
}

/** Uploads result files as one artifact. */
export interface ArtifactSink {
  upload(name: string, files: string[], rootDirectory: string): Promise<ArtifactResult>;
}

/** Everything a shell hands to the engine. */
export interface Ports {
  logger: Logger;
  summary: SummarySink;
  outputs: OutputSink;
  env: EnvSink;
  state: StateStore;
  artifact: ArtifactSink;
}

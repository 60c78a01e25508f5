/**
 * Names of the action's inputs and outputs: the one place they are spelled. action.yml must declare
 * exactly these (a test parses it and compares), and only src/action/inputs.ts reads inputs.
 */

/** Every input of action.yml. */
export const Inputs = {
  Mode: 'mode',
  ConfigFile: 'config-file',
  IsPrimary: 'is-primary',
  ApiUrl: 'api-url',
  ApiPort: 'api-port',
  ExpectedNodes: 'expected-nodes',
  TimeoutSeconds: 'timeout-seconds',
  HardwareLabel: 'hardware-label',
  NodeIndex: 'node-index',
  ExoCommand: 'exo-command',
  Simulate: 'simulate',
  OutputDir: 'output-dir',
  UploadArtifact: 'upload-artifact',
  ArtifactName: 'artifact-name',
  GithubToken: 'github-token',
  RunnerScope: 'runner-scope',
  WaitForRunners: 'wait-for-runners',
  RequireRunners: 'require-runners',
  Baseline: 'baseline',
  FailOnThreshold: 'fail-on-threshold',
  CommentOnPr: 'comment-on-pr',
  ModelsDir: 'models-dir',
  ModelsReadOnlyDirs: 'models-read-only-dirs',
  NodeArtifacts: 'node-artifacts',
  ScheduleStartMs: 'schedule-start-ms',
} as const;

/** Every output of action.yml. */
export const Outputs = {
  Matrix: 'matrix',
  ScheduleStartMs: 'schedule-start-ms',
  ExpectedNodes: 'expected-nodes',
  TimeoutSeconds: 'timeout-seconds',
  Environment: 'environment',
  ConfigFile: 'config-file',
  RunnersReady: 'runners-ready',
  ExoHome: 'exo-home',
  Namespace: 'namespace',
  ApiPort: 'api-port',
  ExoArgs: 'exo-args',
  ModelsDir: 'models-dir',
  Verdict: 'verdict',
  ResultsPath: 'results-path',
  SummaryPath: 'summary-path',
  SuccessRate: 'success-rate',
  TotalRequests: 'total-requests',
  SuccessfulRequests: 'successful-requests',
  FailedRequests: 'failed-requests',
  TotalTokens: 'total-tokens',
  TtftP50Ms: 'ttft-p50-ms',
  TtftP95Ms: 'ttft-p95-ms',
  E2eP95Ms: 'e2e-p95-ms',
  OutputTokensPerSecond: 'output-tokens-per-second',
  ArtifactId: 'artifact-id',
  ArtifactUrl: 'artifact-url',
  BenchmarkSmallerPath: 'benchmark-smaller-path',
  BenchmarkBiggerPath: 'benchmark-bigger-path',
} as const;

/** Names under which the main step leaves state for the post step (GITHUB_STATE). */
export const State = {
  /** JSON: `{ apiUrl, instanceIds }` of instances this node placed and has not yet confirmed deleted. */
  PlacedInstances: 'placed-instances',
  /** Process group id of an EXO (or simulator) this step started. */
  ExoPid: 'exo-pid',
  /** Set once the main step finished its own cleanup, so the post step has nothing to do. */
  CleanedUp: 'cleaned-up',
  /** Output folder, so the post step can publish partial results if main died. */
  OutputDir: 'output-dir',
  /** Set when the main step ran to its end, whatever its outcome: the post step then claims no interruption. */
  MainFinished: 'main-finished',
  /** Artifact name main would upload under ('' = no upload), so the post step can upload partial results. */
  ArtifactName: 'artifact-name',
} as const;

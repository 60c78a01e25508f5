/**
 * The stage fields that are required unless the stage replays a trace: in a module of its own (no
 * imports), because both the schema (src/config/schema.ts) and the words for its problems
 * (src/config/describe.ts) need it, and the schema's own imports lead back to describe.ts.
 */
export const STAGE_LOAD_KEYS: readonly string[] = [
  'prompt_length',
  'generation_length',
  'time_between_requests',
  'iterations',
];

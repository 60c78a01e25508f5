/**
 * The config module's public face: load a config file (or text) into a validated `BenchConfig`,
 * and the schema it is checked against.
 */
export { loadConfigFile, parseConfigText, MAX_CONFIG_FILE_BYTES } from './load.js';
export type { VariableMap } from './substitute.js';
export {
  configSchema,
  renderSchemaJson,
  TOP_LEVEL_KEYS,
  STAGE_KEYS,
  LIMITS,
  DEPRECATED_ALIASES,
} from './schema.js';
export type { SchemaNode } from './schema.js';
export type {
  BenchConfig,
  StageConfig,
  LoadedConfig,
  Sharding,
  InstanceMeta,
  ChatEndpoint,
} from './types.js';

/**
 * The schema in src/config/schema.ts is the one source of truth; configs/schema.json is its copy for
 * editors and must never drift. To rewrite the copy after changing the schema:
 *
 *     UPDATE_SCHEMA=1 npm test -- __tests__/config/schema     (or: node scripts/write-schema.mjs)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { configSchema, renderSchemaJson, STAGE_KEYS, TOP_LEVEL_KEYS } from '../../src/config/index.js';
import { renderConfigValidator } from '../../scripts/config-validator.mjs';

const repositoryRoot = join(new URL('.', import.meta.url).pathname, '..', '..');
const schemaFile = join(repositoryRoot, 'configs', 'schema.json');
const validatorFile = join(repositoryRoot, 'src', 'config', 'schema-validator.generated.ts');

describe('configs/schema.json', () => {
  it('is exactly the schema of src/config/schema.ts', () => {
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(schemaFile, renderSchemaJson());
    const onDisk = readFileSync(schemaFile, 'utf8');
    // On failure: UPDATE_SCHEMA=1 npm test -- __tests__/config/schema
    expect(onDisk).toBe(renderSchemaJson());
  });

  it('is what src/config/schema-validator.generated.ts validates (the validator is not stale)', () => {
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(validatorFile, renderConfigValidator(configSchema));
    // On failure: UPDATE_SCHEMA=1 npm test -- __tests__/config/schema
    expect(readFileSync(validatorFile, 'utf8')).toBe(renderConfigValidator(configSchema));
  });

  it('is a valid draft-07 schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(configSchema)).toBe(true);
    expect(() => ajv.compile(configSchema)).not.toThrow();
  });
});

describe('known keys', () => {
  it('lists the top-level keys in schema order', () => {
    expect(TOP_LEVEL_KEYS).toEqual([
      'hardware_plan',
      'environment',
      'timeout_seconds',
      'model_ids',
      'stages',
      'seed',
      'sharding',
      'instance_meta',
      'no_overlap',
      'endpoint',
      'unique_prompts',
      'target',
      'calibrate_prompts',
      'request_timeout_seconds',
      'stream_idle_timeout_seconds',
      'max_dispatch_lag_p99_ms',
      'load_from',
      'clock_skew_tolerance_ms',
      'all_nodes_start_delay_seconds',
      'all_nodes_drain_seconds',
      'snapshot_interval_seconds',
      'thresholds',
      'regression',
    ]);
  });

  it('lists the stage keys in schema order', () => {
    expect(STAGE_KEYS).toEqual([
      'name',
      'prompt_length',
      'generation_length',
      'time_between_requests',
      'iterations',
      'no_overlap',
      'arrival',
      'burstiness',
      'concurrency',
      'ramp_to_rate',
      'warmup_requests',
      'warmup',
      'thresholds',
      'trace',
      'trace_speed',
      'trace_block_tokens',
      'shared_prefix',
      'search',
    ]);
  });

  it('documents every key in the schema and in configs/README.md', () => {
    const readme = readFileSync(join(repositoryRoot, 'configs', 'README.md'), 'utf8');
    const stageProperties = configSchema.properties?.stages?.items?.properties ?? {};
    for (const [key, property] of [
      ...Object.entries(configSchema.properties ?? {}),
      ...Object.entries(stageProperties),
    ]) {
      expect({ key, described: Boolean(property.description) }).toEqual({ key, described: true });
      expect({ key, inReadme: readme.includes(`| \`${key}\``) }).toEqual({ key, inReadme: true });
    }
  });
});

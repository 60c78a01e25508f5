// Rewrites the two schema files (`npm run schema`):
// - configs/schema.json from src/config/schema.ts, its one source of truth. Node 20 cannot import
//   TypeScript on its own, so this runs the config schema test in its update mode, which goes through the
//   same ts-jest transform as every test; only the test of the file itself runs (its name starts with
//   `configs/`). The same test writes src/config/schema-validator.generated.ts, the schema's validator
//   as code (scripts/config-validator.mjs).
// - then configs/results.schema.json, generated from the interfaces of results.json by
//   scripts/write-results-schema.mjs (it splices in the nodes of configs/schema.json, hence the order).
import { execFileSync } from 'node:child_process';

execFileSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '__tests__/config/schema.test.ts',
    '--testNamePattern',
    '^configs/',
  ],
  { stdio: 'inherit', env: { ...process.env, UPDATE_SCHEMA: '1' } },
);
execFileSync(process.execPath, ['scripts/write-results-schema.mjs'], { stdio: 'inherit' });

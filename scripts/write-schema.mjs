// Rewrites configs/schema.json from src/config/schema.ts and configs/results.schema.json from
// src/report/results-schema.ts (each the one source of truth of its file).
// Node 20 cannot import TypeScript on its own, so this runs the two schema tests in their update mode,
// which go through the same ts-jest transform as every test: `node scripts/write-schema.mjs`. Only the
// tests of the files themselves run (their names start with `configs/`): the rest of the results
// schema test drives benchmark runs, which writing a file does not need.
import { execFileSync } from 'node:child_process';

execFileSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '__tests__/config/schema.test.ts',
    '__tests__/report/results-schema.test.ts',
    '--testNamePattern',
    '^configs/',
  ],
  { stdio: 'inherit', env: { ...process.env, UPDATE_SCHEMA: '1' } },
);

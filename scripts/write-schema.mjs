// Rewrites configs/schema.json from src/config/schema.ts (the one source of truth).
// Node 20 cannot import TypeScript on its own, so this runs the schema test in its update mode, which
// goes through the same ts-jest transform as every test: `node scripts/write-schema.mjs`.
import { execFileSync } from 'node:child_process';

execFileSync(
  process.execPath,
  ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '__tests__/config/schema.test.ts'],
  { stdio: 'inherit', env: { ...process.env, UPDATE_SCHEMA: '1' } },
);

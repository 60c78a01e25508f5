import { readFileSync } from 'node:fs';
import { VERSION } from '../src/core/version.js';

it('src/core/version.ts matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  expect(VERSION).toBe(pkg.version);
});

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Inputs, Outputs } from '../../src/action/constants.js';

interface ActionYaml {
  runs: { using: string; main: string; post: string };
  inputs: Record<string, { description?: string; default?: string }>;
  outputs: Record<string, { description?: string }>;
  branding?: { icon?: string; color?: string };
}

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as ActionYaml;

describe('action.yml', () => {
  it('runs the bundles on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js' });
    expect(action.branding?.icon).toBeTruthy();
  });

  it('declares exactly the inputs of src/action/constants.ts', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort());
  });

  it('declares exactly the outputs of src/action/constants.ts', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort());
  });

  it('documents every input and output', () => {
    for (const [name, input] of Object.entries(action.inputs))
      expect([name, (input.description ?? '').length > 10]).toEqual([name, true]);
    for (const [name, output] of Object.entries(action.outputs))
      expect([name, (output.description ?? '').length > 10]).toEqual([name, true]);
  });

  it('leaves require-runners without a default, so it can default to "true when a token is given"', () => {
    expect(action.inputs['require-runners']?.default).toBeUndefined();
  });
});

/**
 * Runs the simulator the way the benchmarks and the docs do: in its own process, from the built CLI
 * bundle (`node dist/cli/index.js simulate`), so its event loop never shares time with the client's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BUNDLE = join(REPO_ROOT, 'dist', 'cli', 'index.js');

/** A simulator process and its nodes. */
export interface SimulatorProcess {
  nodes: Array<{ node_id: string; url: string }>;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Writes a profile to a temp file and returns its path. */
export function writeProfile(profile: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'exo-bench-profile-'));
  const path = join(dir, 'profile.json');
  writeFileSync(path, JSON.stringify(profile));
  return path;
}

/** Starts `exo-bench simulate` in a child process and waits (bounded) for its nodes line. */
export async function startSimulatorProcess(args: string[], timeoutMs = 15_000): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, [CLI_BUNDLE, 'simulate', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const nodes = await new Promise<SimulatorProcess['nodes']>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`simulator did not start within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        try {
          resolve((JSON.parse(stdout.slice(0, newline)) as { nodes: SimulatorProcess['nodes'] }).nodes);
        } catch (error) {
          reject(error as Error);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${stderr}`));
    });
  });
  return {
    nodes,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Starting and stopping an EXO (or any command) for a node: run through the shell in its own process
 * group, output captured to a log file, and stopped with its whole group (EXO spawns runner processes)
 * — SIGTERM, then SIGKILL after a grace period. Works the same on macOS and Linux.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { sleepMs } from '../util/clock.js';

/** A started command. */
export interface StartedProcess {
  pid: number;
  logPath: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** Starts `command` through the shell with `env`, its own process group, stdout+stderr to `logPath`. */
export function startCommand(
  command: string,
  env: Record<string, string | undefined>,
  logPath: string,
  cwd?: string,
): StartedProcess {
  const logFd = openSync(logPath, 'a');
  try {
    const child = spawn(command, {
      shell: true,
      detached: true, // its own process group, so the whole tree can be stopped at once
      env,
      cwd,
      stdio: ['ignore', logFd, logFd],
    });
    if (child.pid === undefined) throw new Error(`could not start: ${command}`);
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
      child.once('error', (error) => resolve(error.message));
    });
    child.unref();
    return { pid: child.pid, logPath, exited };
  } finally {
    closeSync(logFd);
  }
}

/** True while a process group exists (signal 0 probes without killing). */
export function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops a process group: SIGTERM, wait up to `graceMs`, then SIGKILL. Returns how it ended. Safe to
 * call for a group that is already gone (the post step may repeat it).
 */
export async function stopProcessGroup(
  pid: number,
  graceMs = 10_000,
): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!processGroupAlive(pid)) return 'not-running';
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!processGroupAlive(pid)) return 'terminated';
    await sleepMs(100);
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  return 'killed';
}

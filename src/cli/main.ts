#!/usr/bin/env node
/**
 * The `exo-bench` command's entry: it only calls runCli (src/cli/run.ts) and sets the exit code.
 */
import { processStreams } from './logger.js';
import { runCli } from './run.js';

void runCli(process.argv.slice(2), processStreams, process.env).then((code) => {
  process.exitCode = code;
});

/** Stand-alone entry (for an ncc build used by bench/simulator-throughput.mjs): `node index.js [flags]`. */
import { runSimulateCommand } from './index.js';

void runSimulateCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

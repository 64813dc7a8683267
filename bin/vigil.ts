/**
 * The `vigil` CLI entry: wires the process to lambda/cli/main.
 *
 * Ctrl-C (SIGINT) or SIGTERM ends `vigil run` after the step in progress;
 * a second one, or a step still running after a few seconds (a call waiting
 * on a slow endpoint), ends the process at once. Nothing is lost either way:
 * every change is recorded in one transaction with its outbox entries, so
 * whatever a cut-short cycle did not deliver, the next run delivers.
 */
import { main } from '../lambda/cli/main';

/** How long the step in progress may take after Ctrl-C before the process ends anyway. */
const GRACE_MS = 5_000;

const controller = new AbortController();
const interrupt = (signal: NodeJS.Signals) => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write(`\nvigil: ${signal}: stopping after the current step (again to stop now)\n`);
  controller.abort();
  setTimeout(() => process.exit(130), GRACE_MS).unref();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

// `vigil history | head`: the reader went away; there is nobody left to tell.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`vigil failed: ${String(error)}\n`);
    process.exitCode = 1;
  },
);

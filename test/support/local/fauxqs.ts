/**
 * fauxqs: an in-process SNS + SQS emulator. It is published as ESM only, so it is
 * loaded with a real dynamic `import()`: with `module: node16` TypeScript keeps
 * `import()` as is in CommonJS output (ts-jest, tsx), and Node loads ESM from CJS that way.
 */
import type { LocalService } from './dynamodb-local';

/**
 * Starts fauxqs on a random free port with its request logging off. It binds
 * 0.0.0.0; its `host` option only rewrites queue URLs (`sqs.<region>.<host>`), so it
 * is left unset and queue URLs follow the request's Host header (127.0.0.1:<port>).
 */
export async function startFauxqs(): Promise<LocalService> {
  const { startFauxqs: start } = await import('fauxqs');
  const server = await start({ port: 0, logger: false });
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    stop: () => {
      stopped ??= server.stop();
      return stopped;
    },
  };
}

/**
 * An endpoint that accepts the connection and never answers (a hung proxy,
 * a firewall that swallows replies) must not hold `vigil run`: every AWS
 * client has a request timeout (VIGIL_REQUEST_TIMEOUT_MS, 20 s by default)
 * and Ctrl-C (SIGINT) or SIGTERM ends the process after a short grace even
 * while a call waits.
 * Before the timeouts, `vigil run --once` against such an endpoint hung for
 * minutes and ignored Ctrl-C: these tests then ran into jest's timeout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { nightlyRunsScenario } from '../emulators/device-farm/scenarios/delivery';
import { spawnVigil, vigilEnv, writeConfig } from '../support/cli-process';
import { type Harness, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');

/** A TCP server that takes every connection and never writes a byte; `connected` resolves on the first. */
async function silentEndpoint(): Promise<{ url: string; connected: Promise<void>; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let firstConnection: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => {
    firstConnection = resolve;
  });
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    firstConnection();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    connected,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('an endpoint that never answers', () => {
  let harness: Harness | undefined;
  let endpoint: Awaited<ReturnType<typeof silentEndpoint>> | undefined;

  afterEach(async () => {
    await Promise.all([harness?.stop(), endpoint?.close()]);
    harness = undefined;
    endpoint = undefined;
  });

  it('ends vigil run --once at its request timeout, reporting the failed poll, with exit code 1', async () => {
    harness = await startHarness({ scenario: nightlyRunsScenario(START, 2) });
    endpoint = await silentEndpoint();
    const env = vigilEnv(harness, { AWS_ENDPOINT_URL_DEVICE_FARM: endpoint.url, VIGIL_REQUEST_TIMEOUT_MS: '300' });

    const result = await spawnVigil(['run', '--once', '--config', writeConfig({})], env).exited;

    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^cycle \S+: 0 changes recorded, 0 notifications published; Polling Device Farm: .*exceeded the configured 300 ms requestTimeout/m,
    );
  }, 30_000);

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops vigil run on %s while a call waits on it, within the grace, with exit code 130',
    async (signal) => {
      harness = await startHarness({ scenario: nightlyRunsScenario(START, 2) });
      endpoint = await silentEndpoint();
      // The default request timeout (20 s, six attempts): only the signal can end this cycle soon.
      const env = vigilEnv(harness, { AWS_ENDPOINT_URL_DEVICE_FARM: endpoint.url });
      const vigil = spawnVigil(['run', '--interval', '1m', '--config', writeConfig({})], env);

      await endpoint.connected;
      vigil.child.kill(signal);
      const result = await vigil.exited;

      expect(result.code).toBe(130);
      expect(result.err).toContain(`vigil: ${signal}: stopping after the current step (again to stop now)`);
    },
    20_000,
  );
});

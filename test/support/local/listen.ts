/** Starting a local proxy on a free port, and stopping it without waiting on the SDK's kept-alive connections. */
import type { Agent, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 (a free port); `stop` closes the server, its open connections and `agent` (its upstream pool). */
export async function listenLocally(
  server: Server,
  agent: Agent,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        // The SDK keeps connections alive: close them, or close() waits for them forever.
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return stopped;
    },
  };
}

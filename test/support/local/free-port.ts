import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on 127.0.0.1, for child processes that need a port
 * number up front (DynamoDB Local cannot report the port it picked). Another process
 * could take the port before the child binds it; on a test machine that is rare enough.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: could not read the listening address'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

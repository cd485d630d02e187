import { createServer, type Server, type Socket } from 'node:net';

/*
 * Fault injection only: servers a real Redis cannot be made to imitate (one that accepts and
 * never answers, one that speaks HTTP). Real Redis servers come from @engram/test-servers.
 */

/** A TCP server that accepts connections and then either says nothing or answers like a web server. */
export async function startFakeServer(behaviour: 'silent' | 'http'): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (behaviour === 'http') socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

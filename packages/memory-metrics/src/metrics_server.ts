import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import type { Registry } from 'prom-client';

export interface ServeMetricsOptions {
  registry: Registry;
  /** 0 picks a free port (read it from `url`). */
  port: number;
  /** Default 127.0.0.1: metrics stay on this machine unless you choose otherwise. */
  host?: string;
}

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/** `GET /metrics` in the Prometheus text format; anything else is 404. Nothing listens until you call this. */
export async function serveMetrics(options: ServeMetricsOptions): Promise<MetricsServer> {
  const { registry, port, host = '127.0.0.1' } = options ?? ({} as ServeMetricsOptions);
  if (typeof registry?.metrics !== 'function') throw invalidArgument('registry must be a prom-client Registry, e.g. instrumentManager(...).registry', { field: 'registry' });
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw invalidArgument('port must be a whole number from 0 to 65535 (0 = any free port)', { field: 'port' });
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n'),
    );
  });
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MemoryError(ErrorCode.CONFIG_ERROR, `the metrics endpoint could not listen on ${host}:${port} (${error.code ?? 'error'}): pick another port or host`, {
          cause: error,
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

/**
 * The metrics listener (`metrics.listen`): GET /metrics on its own address, away from the public RPC and its budget,
 * as CometBFT's `prometheus_listen_addr`. Meant for a scraper on a private network, and bounded all the same.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BabyError } from '@babychain/codec';
import { NodeErrorCode } from './errors.ts';
import type { NodeMetrics } from './metrics.ts';

/** Scrapers at once, at most: Prometheus needs one per server scraping it. */
const MAX_CONNECTIONS = 32;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface MetricsServer {
  /** http://host:port/metrics */
  readonly url: string;
  close(): Promise<void>;
}

/** `host:port` or `[v6]:port` as host and port; undefined when it is neither. */
export function parseListen(listen: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(listen);
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: (m[1] ?? m[2]) as string, port };
}

export async function startMetricsServer(listen: string, metrics: NodeMetrics): Promise<MetricsServer> {
  const address = parseListen(listen);
  if (address === undefined) {
    throw new BabyError(NodeErrorCode.BAD_CONFIG, `metrics.listen "${listen}" is not host:port`, {
      field: 'metrics.listen',
    });
  }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    metrics.render().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('the metrics could not be collected\n'),
    );
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

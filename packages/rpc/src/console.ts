/**
 * RPC-19: the web console's files, served from memory at the paths they were built for (`/` is the page). Only the
 * files given exist: a path is a key of the map, never a file name joined to a directory. Each answer carries a
 * content-security policy that allows this origin alone, so the page runs without any other server, and an ETag, so a
 * reload revalidates instead of downloading again; gzip is precomputed for clients that accept it.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

/** One file of the console: its bytes and media type. */
export interface ConsoleFile {
  readonly bytes: Uint8Array;
  readonly type: string;
}

/** The console's files by URL path; `/` must be among them. */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

/** The page talks to its own origin (REST and the websocket) and loads nothing from anywhere else. */
export const CONSOLE_CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const TAG = 'console';

export function registerConsole(app: FastifyInstance, files: ConsoleFiles): void {
  for (const [path, file] of files) {
    const etag = `"${createHash('sha256').update(file.bytes).digest('base64url').slice(0, 22)}"`;
    const plain = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
    const gzipped = gzipSync(plain, { level: 9 });
    app.get(path, { schema: { hide: true, tags: [TAG] } }, async (req, reply) => {
      reply
        .header('content-type', file.type)
        .header('cache-control', 'no-cache')
        .header('etag', etag)
        .header('vary', 'accept-encoding')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', CONSOLE_CSP)
        .header('referrer-policy', 'no-referrer');
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(gzipped);
      }
      return reply.send(plain);
    });
  }
}

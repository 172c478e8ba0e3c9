/**
 * Abusive RPC clients for `pnpm bench:abuse` (abuse.ts): each runs against one node's RPC for a bounded time and
 * count, over loopback only, and reports what the node did to it. The source address is chosen per client, so the
 * script can watch the node from another loopback address while these use up their own budgets.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { sleep } from './wait.ts';

export interface AttackReport {
  readonly name: string;
  /** requests (or connections) the attacker sent */
  sent: number;
  /** answers that carried a result */
  answered: number;
  /** refusals by stable code (RPC_RATE_LIMITED, …) */
  readonly refused: Record<string, number>;
  /** connections the node closed or refused */
  closedByNode: number;
  /** bytes of answers received */
  bytesIn: number;
}

export interface Target {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** the loopback address the attacker connects from */
  readonly from: string;
}

const report = (name: string): AttackReport => ({
  name,
  sent: 0,
  answered: 0,
  refused: {},
  closedByNode: 0,
  bytesIn: 0,
});

const count = (r: AttackReport, code: string): void => {
  r.refused[code] = (r.refused[code] ?? 0) + 1;
};

const blocksCall = (id: number, to: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'blocks',
  params: { from: '1', to: String(to) },
});

/** Tallies one JSON-RPC answer (or array of answers). */
function tally(r: AttackReport, text: string): void {
  r.bytesIn += text.length;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    count(r, 'UNPARSABLE');
    return;
  }
  for (const a of Array.isArray(parsed) ? parsed : [parsed]) {
    const answer = a as { result?: unknown; error?: { data?: { code?: string } } };
    if (answer.result !== undefined) r.answered++;
    else count(r, answer.error?.data?.code ?? 'UNKNOWN');
  }
}

function openSocket(target: Target): Promise<WebSocket> {
  const ws = new WebSocket(`${target.url.replace('http', 'ws')}/ws`, { localAddress: target.from });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * One websocket sends `requests` `blocks` 1..`to` calls and never reads: what the node does with answers nobody
 * takes. Held for `holdMs`, then closed.
 */
export async function wsNeverReads(target: Target, requests: number, to: number, holdMs: number) {
  const r = report(`${requests} x blocks 1..${to} on one websocket, never read`);
  const ws = await openSocket(target);
  ws.on('close', () => r.closedByNode++);
  ws.on('error', () => {});
  ws.pause(); // stop reading: the node's answers pile up in its socket buffers, or it must stop producing them
  for (let i = 0; i < requests && ws.readyState === ws.OPEN; i++) {
    ws.send(JSON.stringify(blocksCall(i, to)));
    r.sent++;
  }
  await sleep(holdMs); // the observation window
  const closed = r.closedByNode;
  ws.removeAllListeners('close');
  ws.terminate();
  r.closedByNode = closed;
  return r;
}

/** One websocket sends `requests` `status` calls at once and reads every answer (or the close). */
export async function wsStatusFlood(target: Target, requests: number, timeoutMs: number) {
  const r = report(`${requests} x status on one websocket`);
  const ws = await openSocket(target);
  const done = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      tally(r, String(data));
      if (r.answered + Object.values(r.refused).reduce((a, b) => a + b, 0) >= requests) resolve();
    });
    ws.on('close', () => {
      r.closedByNode++;
      resolve();
    });
    setTimeout(resolve, timeoutMs).unref();
  });
  ws.on('error', () => {});
  for (let i = 0; i < requests; i++) {
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'status' }));
    r.sent++;
  }
  await done;
  ws.terminate();
  return r;
}

/** `clients` HTTP clients each POST a JSON-RPC batch of `members` x `blocks` 1..`to`, again and again. */
export async function httpBlockBatches(target: Target, clients: number, members: number, to: number, ms: number) {
  const r = report(`${clients} clients x HTTP batches of ${members} x blocks 1..${to}`);
  const body = JSON.stringify(Array.from({ length: members }, (_, i) => blocksCall(i, to)));
  const deadline = Date.now() + ms;
  const one = () =>
    new Promise<void>((resolve) => {
      const url = new URL(target.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/',
          method: 'POST',
          localAddress: target.from,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 200) tally(r, text);
            else count(r, `HTTP_${res.statusCode}`);
            resolve();
          });
        },
      );
      req.on('error', () => {
        r.closedByNode++;
        resolve();
      });
      req.end(body);
      r.sent++;
    });
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  return r;
}

/** Opens `connections` TCP connections that never send a byte, holds them for `holdMs`. */
export async function connectionFlood(target: Target, connections: number, holdMs: number) {
  const r = report(`${connections} idle connections`);
  const url = new URL(target.url);
  const sockets: Socket[] = [];
  for (let i = 0; i < connections; i++) {
    const s = connect({ host: url.hostname, port: Number(url.port), localAddress: target.from });
    s.on('error', () => {});
    s.on('close', () => r.closedByNode++);
    sockets.push(s);
    r.sent++;
  }
  await sleep(holdMs); // the observation window
  return hangUp(sockets, r);
}

/** Slowloris: `connections` connections each send a request's headers one short line per `everyMs`. */
export async function slowloris(target: Target, connections: number, everyMs: number, holdMs: number) {
  const r = report(`slowloris: ${connections} connections, a header line every ${everyMs} ms`);
  const url = new URL(target.url);
  const sockets = Array.from({ length: connections }, () => {
    const s = connect({ host: url.hostname, port: Number(url.port), localAddress: target.from });
    s.on('error', () => {});
    s.on('close', () => r.closedByNode++);
    s.on('data', (d: Buffer) => {
      r.bytesIn += d.length;
    });
    s.write(`GET /status HTTP/1.1\r\nHost: ${url.host}\r\n`);
    r.sent++;
    return s;
  });
  const deadline = Date.now() + holdMs;
  for (let line = 0; Date.now() < deadline; line++) {
    for (const s of sockets) if (!s.destroyed) s.write(`X-Slow-${line}: 1\r\n`);
    await sleep(everyMs); // the attack's own pace
  }
  return hangUp(sockets, r);
}

/** Closes the attack's sockets without counting those closes as the node's. */
function hangUp(sockets: readonly Socket[], r: AttackReport): AttackReport {
  const closed = r.closedByNode;
  for (const s of sockets) {
    s.removeAllListeners('close');
    s.destroy();
  }
  r.closedByNode = closed;
  return r;
}

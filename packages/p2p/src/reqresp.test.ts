import { BabyError, isBabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { P2pErrorCode } from './errors.ts';
import type { TestHost } from './hosts.testutil.ts';
import { connected, startHost, waitFor } from './hosts.testutil.ts';
import { BAD_REQUEST_PENALTY, OVERSIZE_REQUEST_PENALTY } from './reqresp.ts';

const PROTOCOL = '/baby/test/1';

async function pair(): Promise<{ server: TestHost; client: TestHost }> {
  const server = await startHost(1);
  const client = await startHost(2, { bootstrap: server.host.multiaddrs() });
  await waitFor(() => connected(server.host, client.host), 'client and server to connect');
  return { server, client };
}

function hasCode(code: string): (err: unknown) => boolean {
  return (err) => isBabyError(err) && err.code === code;
}

describe('P2pHost request/response', () => {
  it('answers a request with the handler response', async () => {
    const { server, client } = await pair();
    const seen: string[] = [];
    server.host.handle(
      PROTOCOL,
      async (request, from) => {
        seen.push(from);
        return Uint8Array.from([...request].reverse());
      },
      { maxRequestBytes: 1024, maxResponseBytes: 1024 },
    );
    const response = await client.host.request(server.host.peerId, PROTOCOL, Uint8Array.from([1, 2, 3]));
    expect([...response]).toEqual([3, 2, 1]);
    expect(seen).toEqual([client.host.peerId]);
    // an empty request and a response at the size limit
    server.host.handle('/baby/big/1', async () => new Uint8Array(1024).fill(7), {
      maxRequestBytes: 1,
      maxResponseBytes: 1024,
    });
    const big = await client.host.request(server.host.peerId, '/baby/big/1', new Uint8Array(0), {
      maxResponseBytes: 1024,
    });
    expect(big.byteLength).toBe(1024);
    expect(server.host.metrics().requestsIn).toBe(2);
    expect(client.host.metrics().requestsOut).toBe(2);
  });

  it('refuses an oversize request and penalises its sender', async () => {
    const { server, client } = await pair();
    let calls = 0;
    server.host.handle(
      PROTOCOL,
      async () => {
        calls++;
        return new Uint8Array(1);
      },
      { maxRequestBytes: 100, maxResponseBytes: 100 },
    );
    await expect(client.host.request(server.host.peerId, PROTOCOL, new Uint8Array(101))).rejects.toSatisfy(
      hasCode(P2pErrorCode.REQUEST_FAILED),
    );
    await waitFor(() => server.host.score(client.host.peerId) !== 0, 'the penalty');
    expect(server.host.score(client.host.peerId)).toBe(-OVERSIZE_REQUEST_PENALTY);
    expect(calls).toBe(0);
    // a request far beyond the limit (more than the read buffer) is refused the same way
    await expect(client.host.request(server.host.peerId, PROTOCOL, new Uint8Array(200_000))).rejects.toSatisfy(
      hasCode(P2pErrorCode.REQUEST_FAILED),
    );
    await waitFor(() => server.host.score(client.host.peerId) === -2 * OVERSIZE_REQUEST_PENALTY, 'the second penalty');
    expect(calls).toBe(0);
  });

  it('rejects with P2P_TIMEOUT when the handler does not answer in time', async () => {
    const { server, client } = await pair();
    let release: (value: Uint8Array) => void = () => {};
    const answer = new Promise<Uint8Array>((resolve) => {
      release = resolve;
    });
    server.host.handle(PROTOCOL, () => answer, { maxRequestBytes: 100, maxResponseBytes: 100 });
    const started = performance.now();
    await expect(
      client.host.request(server.host.peerId, PROTOCOL, new Uint8Array(1), { timeoutMs: 300 }),
    ).rejects.toSatisfy(hasCode(P2pErrorCode.TIMEOUT));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    release(new Uint8Array(1));
  });

  it('closes the stream without a response when the handler throws', async () => {
    const { server, client } = await pair();
    server.host.handle(
      PROTOCOL,
      async (request) => {
        if (request[0] === 1) throw new Error('handler bug');
        throw new BabyError(P2pErrorCode.BAD_REQUEST, 'malformed request');
      },
      { maxRequestBytes: 100, maxResponseBytes: 100 },
    );
    await expect(client.host.request(server.host.peerId, PROTOCOL, Uint8Array.of(1))).rejects.toSatisfy(
      hasCode(P2pErrorCode.REQUEST_FAILED),
    );
    // an internal error is not the peer's fault
    expect(server.host.score(client.host.peerId)).toBe(0);
    await expect(client.host.request(server.host.peerId, PROTOCOL, Uint8Array.of(2))).rejects.toSatisfy(
      hasCode(P2pErrorCode.REQUEST_FAILED),
    );
    expect(server.host.score(client.host.peerId)).toBe(-BAD_REQUEST_PENALTY);
  });

  it('rejects a response over maxResponseBytes with P2P_MESSAGE_TOO_LARGE', async () => {
    const { server, client } = await pair();
    server.host.handle(PROTOCOL, async () => new Uint8Array(500), { maxRequestBytes: 100, maxResponseBytes: 1000 });
    await expect(
      client.host.request(server.host.peerId, PROTOCOL, new Uint8Array(1), { maxResponseBytes: 499 }),
    ).rejects.toSatisfy(hasCode(P2pErrorCode.MESSAGE_TOO_LARGE));
    const ok = await client.host.request(server.host.peerId, PROTOCOL, new Uint8Array(1), { maxResponseBytes: 500 });
    expect(ok.byteLength).toBe(500);
  });

  it('fails with P2P_REQUEST_FAILED for an unsupported protocol or an unknown peer', async () => {
    const { server, client } = await pair();
    await expect(client.host.request(server.host.peerId, '/baby/none/1', new Uint8Array(1))).rejects.toSatisfy(
      hasCode(P2pErrorCode.REQUEST_FAILED),
    );
    const stranger = await startHost(9);
    await expect(
      client.host.request(stranger.host.peerId, PROTOCOL, new Uint8Array(1), { timeoutMs: 2000 }),
    ).rejects.toSatisfy((err) => isBabyError(err, P2pErrorCode.REQUEST_FAILED, P2pErrorCode.TIMEOUT));
    await expect(client.host.request('not-a-peer', PROTOCOL, new Uint8Array(1))).rejects.toSatisfy(
      hasCode(P2pErrorCode.INVALID_PEER_ID),
    );
  });
});

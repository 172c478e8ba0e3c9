import { isBabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { P2pErrorCode } from './errors.ts';
import { GOSSIP_REJECT_PENALTY, P2pHost, peerIdFromSeed } from './host.ts';
import { bytes, connected, GENESIS, repeatUntil, seed, startHost, waitFor } from './hosts.testutil.ts';

describe('P2pHost', () => {
  it('has the peer id that peerIdFromSeed derives from its seed', async () => {
    const { host } = await startHost(1);
    expect(host.peerId).toBe(await peerIdFromSeed(seed(1)));
    expect(await peerIdFromSeed(seed(2))).not.toBe(host.peerId);
    expect(host.multiaddrs().length).toBeGreaterThan(0);
    for (const addr of host.multiaddrs())
      expect(addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${host.peerId}$`));
  });

  it('refuses a node key seed that is not 32 bytes', async () => {
    await expect(
      P2pHost.create({ nodeKeySeed: new Uint8Array(31), genesisHash: GENESIS, listen: ['/ip4/127.0.0.1/tcp/0'] }),
    ).rejects.toSatisfy((err) => isBabyError(err, P2pErrorCode.INVALID_OPTIONS));
    await expect(peerIdFromSeed(new Uint8Array(33))).rejects.toSatisfy((err) =>
      isBabyError(err, P2pErrorCode.INVALID_OPTIONS),
    );
  });

  it('publishes to nobody without throwing when it has no peers', async () => {
    const { host } = await startHost(1);
    host.subscribe('/baby/test', () => 'accept');
    expect(await host.publish('/baby/test', bytes(1))).toBe(0);
    expect(await host.publish('/baby/other', bytes(2))).toBe(0);
    expect(host.metrics()).toMatchObject({ peers: 0, gossipOut: 2 });
  });

  it('throws P2P_MESSAGE_TOO_LARGE for a message over maxGossipBytes', async () => {
    const { host } = await startHost(1, { maxGossipBytes: 1000 });
    expect(await host.publish('/baby/test', new Uint8Array(1000))).toBe(0);
    await expect(host.publish('/baby/test', new Uint8Array(1001))).rejects.toSatisfy((err) =>
      isBabyError(err, P2pErrorCode.MESSAGE_TOO_LARGE),
    );
  });

  it('connects to its bootstrap peers and delivers gossip within 2 s of connecting', async () => {
    const a = await startHost(1);
    const received: { data: Uint8Array; from: string; at: number }[] = [];
    a.host.subscribe('/baby/test', (data, from) => {
      received.push({ data, from, at: performance.now() });
      return 'accept';
    });
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    let connectedAt = 0;
    b.host.onPeer('connect', () => {
      connectedAt = performance.now();
    });
    await waitFor(() => connected(a.host, b.host), 'a and b to connect');
    const start = connectedAt || performance.now();

    await repeatUntil(
      (i) => b.host.publish('/baby/test', bytes(1, i)),
      () => received.length > 0,
      'delivery',
      2000,
    );
    const latency = (received[0]?.at ?? Number.POSITIVE_INFINITY) - start;
    expect(latency).toBeLessThan(2000);
    expect(received[0]?.from).toBe(b.host.peerId);
    expect(a.host.metrics()).toMatchObject({ peers: 1, gossipIn: received.length });
    expect(a.host.score(b.host.peerId)).toBe(0);
  });

  it('delivers gossip to every subscriber and forwards it across a line of three hosts', async () => {
    // a - b - c: a and c are not connected, so c hears a only through b's forwarding.
    const got = new Map<string, string[]>();
    const subscribe = (host: P2pHost) => {
      got.set(host.peerId, []);
      host.subscribe('/baby/test', (data) => {
        got.get(host.peerId)?.push(Buffer.from(data).toString());
        return 'accept';
      });
    };
    const a = await startHost(1);
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    const c = await startHost(3, { bootstrap: b.host.multiaddrs() });
    for (const h of [a, b, c]) subscribe(h.host);
    await waitFor(() => connected(a.host, b.host) && connected(b.host, c.host), 'the line to form');
    expect(a.host.peers()).not.toContain(c.host.peerId);

    const fromA = () => got.get(c.host.peerId)?.some((m) => m.startsWith('a')) === true;
    await repeatUntil((i) => a.host.publish('/baby/test', Buffer.from(`a${i}`)), fromA, 'c to hear a', 5000);
    const fromC = () => got.get(a.host.peerId)?.some((m) => m.startsWith('c')) === true;
    await repeatUntil((i) => c.host.publish('/baby/test', Buffer.from(`c${i}`)), fromC, 'a to hear c', 5000);
    // Identical payloads dedupe: the message id is sha256 of the data.
    await b.host.publish('/baby/test', Buffer.from('b-once'));
    await waitFor(() => [a, c].every((h) => got.get(h.host.peerId)?.includes('b-once')), 'a and c to hear b', 2000);
    expect(await b.host.publish('/baby/test', Buffer.from('b-once'))).toBe(0);
    expect(got.get(b.host.peerId)?.some((m) => m.startsWith('a'))).toBe(true);
    expect(got.get(b.host.peerId)?.some((m) => m.startsWith('c'))).toBe(true);
  });

  it('does not forward gossip its handler rejects, and penalises the sender', async () => {
    const a = await startHost(1);
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    const c = await startHost(3, { bootstrap: b.host.multiaddrs() });
    const atC: string[] = [];
    a.host.subscribe('/baby/test', () => 'accept');
    b.host.subscribe('/baby/test', (data) => (Buffer.from(data).toString().startsWith('bad') ? 'reject' : 'accept'));
    c.host.subscribe('/baby/test', (data) => {
      atC.push(Buffer.from(data).toString());
      return 'accept';
    });
    await waitFor(() => connected(a.host, b.host) && connected(b.host, c.host), 'the line to form');
    await repeatUntil(
      (i) => a.host.publish('/baby/test', Buffer.from(`good${i}`)),
      () => atC.length > 0,
      'the mesh',
    );

    await a.host.publish('/baby/test', Buffer.from('bad0'));
    await waitFor(() => b.host.metrics().gossipRejected === 1, 'b to reject');
    await a.host.publish('/baby/test', Buffer.from('after-bad'));
    await waitFor(() => atC.includes('after-bad'), 'c to hear the next good message');
    expect(atC.filter((m) => m.startsWith('bad'))).toEqual([]);
    expect(b.host.score(a.host.peerId)).toBe(-GOSSIP_REJECT_PENALTY);
    expect(c.host.score(b.host.peerId)).toBe(0);
  });

  it('disconnects a peer that keeps sending rejected gossip and refuses its redials during the ban', async () => {
    const a = await startHost(1, { banMs: 30_000 });
    a.host.subscribe('/baby/test', () => 'reject');
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    await waitFor(() => connected(a.host, b.host), 'a and b to connect');
    let reconnects = 0;

    await repeatUntil(
      (i) => b.host.publish('/baby/test', bytes(0xff, i)),
      () => a.host.metrics().bans === 1,
      'a to ban b',
      5000,
    );
    a.host.onPeer('connect', (peer) => {
      if (peer === b.host.peerId) reconnects++;
    });
    expect(a.host.score(b.host.peerId)).toBeLessThanOrEqual(-100);
    expect(a.host.metrics().gossipRejected).toBeGreaterThanOrEqual(5);
    await waitFor(() => !a.host.peers().includes(b.host.peerId), 'a to disconnect b');

    // b keeps redialling (every 200 ms); a refuses each attempt after the handshake.
    const refusals = () =>
      a.logs.filter(
        (l) => l.msg.includes('refused') && l.ctx?.['peer'] === b.host.peerId && l.ctx?.['reason'] === 'banned',
      ).length;
    await waitFor(() => refusals() >= 3, 'three refused redials');
    expect(reconnects).toBe(0);
    expect(a.host.peers()).not.toContain(b.host.peerId);
    expect(a.logs.some((l) => l.level === 'warn' && l.ctx?.['banned'] === true)).toBe(true);
  });

  it('bans a peer penalised to the threshold and lets it back when the ban ends', async () => {
    const a = await startHost(1, { banThreshold: -10, banMs: 600 });
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    await waitFor(() => connected(a.host, b.host), 'a and b to connect');
    a.host.penalize(b.host.peerId, 9, 'test');
    expect(a.host.peers()).toContain(b.host.peerId);
    a.host.penalize(b.host.peerId, 1, 'test');
    await waitFor(() => !a.host.peers().includes(b.host.peerId), 'a to disconnect b');
    expect(a.host.score(b.host.peerId)).toBe(-10);
    await waitFor(() => connected(a.host, b.host), 'b to reconnect after the ban');
    expect(a.host.score(b.host.peerId)).toBe(0);
  });

  it('disconnects denylisted peers and reconnects them once the denylist is lifted', async () => {
    const a = await startHost(1);
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    const c = await startHost(3, { bootstrap: [...a.host.multiaddrs(), ...b.host.multiaddrs()] });
    await waitFor(
      () => connected(a.host, b.host) && connected(a.host, c.host) && connected(b.host, c.host),
      'a full mesh',
    );
    // partition {a} | {b, c}, set on a's side only: b and c keep redialling a and are refused.
    a.host.setDenylist([b.host.peerId, c.host.peerId]);
    await waitFor(() => a.host.peers().length === 0, 'a to drop b and c');
    const refusals = () => a.logs.filter((l) => l.msg.includes('refused') && l.ctx?.['reason'] === 'denylisted').length;
    await waitFor(() => refusals() >= 4, 'refused redials');
    expect(a.host.peers()).toEqual([]);
    expect(connected(b.host, c.host)).toBe(true);

    const healedAt = performance.now();
    a.host.setDenylist([]);
    await waitFor(() => connected(a.host, b.host) && connected(a.host, c.host), 'the partition to heal', 5000);
    expect(performance.now() - healedAt).toBeLessThan(5000);
  });

  it('refuses inbound peers beyond maxPeers', async () => {
    const a = await startHost(1, { maxPeers: 1 });
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    await waitFor(() => connected(a.host, b.host), 'a and b to connect');
    await startHost(3, { bootstrap: a.host.multiaddrs() });
    await waitFor(() => a.logs.some((l) => l.msg.includes('maxPeers')), 'a to refuse c');
    expect(a.host.peers()).toEqual([b.host.peerId]);
  });

  it('reports connect and disconnect of peers and stops cleanly', async () => {
    const a = await startHost(1);
    const events: string[] = [];
    a.host.onPeer('connect', (p) => events.push(`+${p}`));
    a.host.onPeer('disconnect', (p) => events.push(`-${p}`));
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    await waitFor(() => events.length === 1, 'connect event');
    await b.host.close();
    await waitFor(() => events.length === 2, 'disconnect event');
    expect(events).toEqual([`+${b.host.peerId}`, `-${b.host.peerId}`]);
    await b.host.close();
    await expect(b.host.publish('/baby/test', bytes(1))).rejects.toSatisfy((err) =>
      isBabyError(err, P2pErrorCode.CLOSED),
    );
  });
});

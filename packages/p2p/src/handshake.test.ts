// P2P-2: the genesis handshake. Hosts on one genesis stay connected; hosts on two are disconnected, say why, and
// refuse each other both ways until the refusal ends.
import { isBabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { P2pErrorCode } from './errors.ts';
import { GENESIS_PROTOCOL } from './handshake.ts';
import { P2pHost } from './host.ts';
import { bytes, connected, GENESIS, type LogLine, repeatUntil, seed, startHost, waitFor } from './hosts.testutil.ts';

const OTHER_GENESIS = new Uint8Array(32).fill(0xcd);
const mismatchLine = (logs: LogLine[]) => logs.find((l) => l.msg.startsWith('p2p: peer is on another genesis'));

describe('P2P-2 genesis handshake', () => {
  it('keeps peers on the same genesis connected, and they gossip', async () => {
    const a = await startHost(1);
    let got = 0;
    a.host.subscribe('/baby/test', () => {
      got++;
      return 'accept';
    });
    const b = await startHost(2, { bootstrap: a.host.multiaddrs() });
    await waitFor(() => b.logs.some((l) => l.msg === 'p2p: peer on the same genesis'), 'b to check a');
    await waitFor(() => a.logs.some((l) => l.msg === 'p2p: peer on the same genesis'), 'a to check b');
    expect(connected(a.host, b.host)).toBe(true);
    await repeatUntil(
      (i) => b.host.publish('/baby/test', bytes(9, i)),
      () => got > 0,
      'gossip after the handshake',
    );
    expect(a.host.metrics().genesisMismatches + b.host.metrics().genesisMismatches).toBe(0);
  });

  it('disconnects a peer on another genesis, logs both hashes on both sides, and refuses it both ways', async () => {
    const a = await startHost(1);
    const b = await startHost(2, { bootstrap: a.host.multiaddrs(), genesisHash: OTHER_GENESIS });
    await waitFor(() => mismatchLine(a.logs) !== undefined && mismatchLine(b.logs) !== undefined, 'both to see it');
    expect(mismatchLine(b.logs)).toMatchObject({
      level: 'warn',
      ctx: {
        peer: a.host.peerId,
        code: P2pErrorCode.GENESIS_MISMATCH,
        ours: Buffer.from(OTHER_GENESIS).toString('hex'),
        theirs: Buffer.from(GENESIS).toString('hex'),
      },
    });
    expect(mismatchLine(a.logs)?.ctx).toMatchObject({
      peer: b.host.peerId,
      theirs: Buffer.from(OTHER_GENESIS).toString('hex'),
    });
    await waitFor(() => a.host.peers().length === 0 && b.host.peers().length === 0, 'the disconnection');
    // neither dials the other again, nor lets it in, while the refusal lasts
    for (const [from, to] of [
      [a.host, b.host],
      [b.host, a.host],
    ] as const) {
      await expect(from.request(to.peerId, GENESIS_PROTOCOL, GENESIS)).rejects.toSatisfy((err) =>
        isBabyError(err, P2pErrorCode.REQUEST_FAILED),
      );
    }
    expect(a.host.metrics().genesisMismatches).toBe(1);
    expect(b.host.metrics().genesisMismatches).toBe(1);
  });

  it('lets the peer back once the refusal ends, to find it on another genesis again', async () => {
    const a = await startHost(1, { mismatchBanMs: 300 });
    const b = await startHost(2, { bootstrap: a.host.multiaddrs(), genesisHash: OTHER_GENESIS, mismatchBanMs: 300 });
    await waitFor(() => b.host.metrics().genesisMismatches === 1, 'the first mismatch');
    await waitFor(() => b.host.metrics().genesisMismatches === 2, 'the redial after the refusal and its mismatch');
  });

  it('refuses a genesis hash that is not 32 bytes', async () => {
    await expect(
      P2pHost.create({ nodeKeySeed: seed(1), genesisHash: new Uint8Array(31), listen: ['/ip4/127.0.0.1/tcp/0'] }),
    ).rejects.toSatisfy((err) => isBabyError(err, P2pErrorCode.INVALID_OPTIONS));
  });
});

// P2P-2 between real nodes on loopback: a full node on the validator's genesis syncs its blocks and relays its
// transactions; one of the same chain id whose genesis differs (its time, by a second) gets nothing, sends nothing,
// and both it and the validator log the mismatch.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, toHex, txId, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import type { GenesisJson } from '@babychain/state';
import { makeValidatorHome } from '@babychain/test-utils';
import { type LogContext, loggerTo } from '@babychain/util';
import { afterAll, describe, expect, it } from 'vitest';
import { initHome } from './init.ts';
import { BabyNode } from './node.ts';

const CHAIN = 'genesis-peers-1';
const dirs: string[] = [];
const nodes: BabyNode[] = [];
afterAll(async () => {
  for (const n of nodes.reverse()) await n.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Logged {
  msg: string;
  ctx: LogContext | undefined;
}

async function open(home: string): Promise<{ node: BabyNode; logs: Logged[] }> {
  const logs: Logged[] = [];
  const node = await BabyNode.open({ home, logger: loggerTo((_level, msg, ctx) => logs.push({ msg, ctx })) });
  nodes.push(node);
  return { node, logs };
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const status = async (node: BabyNode) =>
  (await (await fetch(`${node.rpcUrl}/status`)).json()) as { height: string; peers: number };
const height = async (node: BabyNode) => BigInt((await status(node)).height);

const walletSeed = new Uint8Array(randomBytes(32));
const walletKey = publicKeyFromSeed(walletSeed);

function transfer(nonce: bigint, amount: bigint): { bytes: Uint8Array; id: string } {
  const to = addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(9)));
  const body = {
    chainId: CHAIN,
    signer: { key: { case: 'ed25519' as const, value: walletKey } },
    nonce,
    fee: 500n,
    memo: '',
    action: { case: 'transfer' as const, value: { to, amount } },
  };
  const bytes = encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(walletSeed, txSignBytes(body)) }],
  });
  return { bytes, id: toHex(txId(bytes)) };
}

const submit = async (node: BabyNode, tx: Uint8Array) => {
  const r = await fetch(`${node.rpcUrl}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tx: toHex(tx) }),
  });
  expect(r.status).toBeLessThan(300);
};
const committedOn = async (node: BabyNode, id: string) => (await fetch(`${node.rpcUrl}/txs/${id}`)).status === 200;

/** A full node's home on `genesis`, bootstrapping to `peers`. */
async function fullNode(name: string, genesis: GenesisJson, peers: string[]): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), `babychain-${name}-`));
  dirs.push(home);
  await initHome({ home, moniker: name, genesis, p2pPort: 0, rpcPort: 0, bootstrap: peers, commitWaitMs: 50 });
  return home;
}

describe('P2P-2: nodes compare genesis hashes before exchanging anything', () => {
  it('a node on another genesis of the same chain id gets no block and relays no transaction; one on the same does', async () => {
    const validator = await makeValidatorHome({
      chainId: CHAIN,
      moniker: 'validator',
      accounts: [{ address: addressFromPublicKey(walletKey), balance: 1_000_000n }],
      commitWaitMs: 50,
    });
    dirs.push(validator.home);
    const a = await open(validator.home);
    const genesis = JSON.parse(readFileSync(join(validator.home, 'genesis.json'), 'utf8')) as GenesisJson;
    // the same validator, accounts and chain id; only the genesis time differs (earlier, so A's blocks would pass)
    const other: GenesisJson = { ...genesis, genesisTimeMs: (BigInt(genesis.genesisTimeMs) - 1000n).toString() };
    const stranger = await open(await fullNode('stranger', other, a.node.p2pAddresses));
    const follower = await open(await fullNode('follower', genesis, a.node.p2pAddresses));

    const mismatch = (logs: Logged[], peer: string) =>
      logs.some((l) => l.msg.startsWith('p2p: peer is on another genesis') && l.ctx?.['peer'] === peer);
    await waitFor(
      () => mismatch(stranger.logs, a.node.peerId) && mismatch(a.logs, stranger.node.peerId),
      'both sides to log the mismatch',
    );

    // one transfer of nonce 0 to the stranger first, another to the follower: had the stranger's reached the
    // validator, it would be the one committed and the follower's would never be (same nonce)
    const fromStranger = transfer(0n, 1n);
    await submit(stranger.node, fromStranger.bytes);
    const fromFollower = transfer(0n, 2n);
    await submit(follower.node, fromFollower.bytes);
    await waitFor(() => committedOn(a.node, fromFollower.id), "the follower's transfer committed by the validator");
    const tip = await height(a.node);
    await waitFor(async () => (await height(follower.node)) >= tip, 'the follower to sync to the tip');
    expect(await committedOn(follower.node, fromFollower.id)).toBe(true);
    expect(await committedOn(a.node, fromStranger.id)).toBe(false);
    expect(await height(stranger.node)).toBe(0n);
    expect((await status(stranger.node)).peers).toBe(0);
  });
});

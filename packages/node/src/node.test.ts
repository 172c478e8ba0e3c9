import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, isBabyError, sha256, toHex, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed, sign } from '@babychain/crypto';
import type { GenesisJson } from '@babychain/state';
import { makeValidatorHome, type ValidatorHome } from '@babychain/test-utils';
import { silentLogger } from '@babychain/util';
import { afterAll, describe, expect, it } from 'vitest';
import { homePaths, readConfig } from './config.ts';
import { initHome } from './init.ts';
import { BabyNode } from './node.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const json = async (url: string, init?: RequestInit) =>
  (await fetch(url, init)).json() as Promise<Record<string, unknown>>;

const walletSeed = new Uint8Array(randomBytes(32));
const walletKey = publicKeyFromSeed(walletSeed);

/** A transfer from the wallet funded at genesis, encoded. */
function transfer(nonce: bigint, amount: bigint): Uint8Array {
  const to = addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(7)));
  const body = {
    chainId: 'node-test-1',
    signer: { key: { case: 'ed25519' as const, value: walletKey } },
    nonce,
    fee: 500n,
    memo: '',
    action: { case: 'transfer' as const, value: { to, amount } },
  };
  const signature = sign(walletSeed, txSignBytes(body));
  return encode('babychain.v0.Tx', { body, signatures: [{ keyIndex: 0, signature }] });
}

const submit = (rpcUrl: string, tx: Uint8Array) =>
  json(`${rpcUrl}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tx: toHex(tx) }),
  });

/** A one-validator chain whose home is initialised, ready for `openNode`. */
async function initSolo(commitWaitMs = 50): Promise<ValidatorHome> {
  const solo = await makeValidatorHome({
    chainId: 'node-test-1',
    accounts: [{ address: addressFromPublicKey(walletKey), balance: 1_000_000n }],
    commitWaitMs,
  });
  dirs.push(solo.home);
  return solo;
}

const openNode = (chain: { home: string }) => BabyNode.open({ home: chain.home, logger: silentLogger });

/** The committed transaction `id` as GET /txs/:id answers it, once it is committed. */
const committed = (rpcUrl: string, id: string, what: string) =>
  waitFor(
    async () => {
      const r = await fetch(`${rpcUrl}/txs/${id}`);
      return r.status === 200 ? ((await r.json()) as Record<string, unknown>) : undefined;
    },
    10_000,
    what,
  );

describe('BabyNode', () => {
  it('commits a transfer on a one-validator chain and continues from the same head after a restart', async () => {
    const chain = await initSolo();
    let node = await openNode(chain);
    try {
      const to = addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(7)));
      const tx = transfer(0n, 1234n);
      const submitted = await submit(node.rpcUrl, tx);
      expect(submitted['id']).toBe(toHex(sha256(tx)));
      const included = await committed(node.rpcUrl, toHex(sha256(tx)), 'the transfer to be committed');
      const account = await json(`${node.rpcUrl}/accounts/${encodeAddress(to, 'baby')}`);
      expect(account['balance']).toBe('1234');
      const before = BigInt((await json(`${node.rpcUrl}/status`))['height'] as string);
      expect(before).toBeGreaterThanOrEqual(BigInt(included['height'] as string));
      await node.close();

      node = await openNode(chain);
      const restarted = await json(`${node.rpcUrl}/status`);
      expect(BigInt(restarted['height'] as string)).toBeGreaterThanOrEqual(before);
      await waitFor(
        async () => {
          const h = BigInt((await json(`${node.rpcUrl}/status`))['height'] as string);
          return h >= before + 3n ? h : undefined;
        },
        10_000,
        'three more blocks after the restart',
      );
      expect((await json(`${node.rpcUrl}/txs/${toHex(sha256(tx))}`))['height']).toBe(included['height']);
    } finally {
      await node.close();
    }
  }, 30_000);

  it('keeps a waiting transaction across a graceful restart and commits it once the gap before it is filled', async () => {
    // Slower blocks: a queued transaction is dropped after 20 blocks, which must not pass before the gap is filled.
    const chain = await initSolo(500);
    let node = await openNode(chain);
    try {
      // Nonce 1 before nonce 0: it waits in the mempool, queued behind the gap.
      const second = transfer(1n, 2n);
      const id = toHex(sha256(second));
      expect((await submit(node.rpcUrl, second))['id']).toBe(id);
      await node.close();

      node = await openNode(chain);
      const waiting = await fetch(`${node.rpcUrl}/txs/${id}`);
      expect(waiting.status).toBe(404);
      expect(await waiting.text()).toContain('in the mempool');

      await submit(node.rpcUrl, transfer(0n, 1n));
      const kept = await committed(node.rpcUrl, id, 'the kept transfer to be committed');
      expect(kept['id']).toBe(id);
    } finally {
      await node.close();
    }
  }, 30_000);

  it('serves the console its loader gives at / unless rpc.console is false, which never asks the loader (RPC-19)', async () => {
    const solo = await initSolo();
    const page = new TextEncoder().encode('<!doctype html><title>console</title>');
    let asked = 0;
    const console = async () => {
      asked++;
      return { files: new Map([['/', { bytes: page, type: 'text/html; charset=utf-8' }]]) };
    };
    const on = await BabyNode.open({ home: solo.home, logger: silentLogger, console });
    try {
      const r = await fetch(`${on.rpcUrl}/`);
      expect([r.status, r.headers.get('content-type'), await r.text()]).toEqual([
        200,
        'text/html; charset=utf-8',
        '<!doctype html><title>console</title>',
      ]);
    } finally {
      await on.close();
    }
    const path = homePaths(solo.home).config;
    const config = JSON.parse(readFileSync(path, 'utf8')) as { rpc: Record<string, unknown> };
    writeFileSync(path, JSON.stringify({ ...config, rpc: { ...config.rpc, console: false } }));
    const off = await BabyNode.open({ home: solo.home, logger: silentLogger, console });
    try {
      expect((await fetch(`${off.rpcUrl}/`)).status).toBe(405); // only JSON-RPC's POST / is left
    } finally {
      await off.close();
    }
    expect(asked).toBe(1);
  });

  it('refuses to start from a home that was never initialised', async () => {
    const home = mkdtempSync(join(tmpdir(), 'babynode-'));
    dirs.push(home);
    const err = await BabyNode.open({ home, logger: silentLogger }).catch((e: unknown) => e);
    expect(isBabyError(err, 'NODE_NOT_INITIALISED')).toBe(true);
  });

  it('writes the RPC rate limit it is given, and the default one otherwise', async () => {
    const limited = await makeValidatorHome({ rpcRateLimit: { max: 9, windowMs: 1000 } });
    const plain = await makeValidatorHome();
    dirs.push(limited.home, plain.home);
    expect(readConfig(limited.home).rpc.rateLimit).toEqual({ max: 9, windowMs: 1000 });
    expect(readConfig(plain.home).rpc.rateLimit).toEqual({ max: 600, windowMs: 10_000 });
  });

  it('refuses to initialise a home twice', async () => {
    const { home } = await makeValidatorHome();
    dirs.push(home);
    const genesis = JSON.parse(readFileSync(join(home, 'genesis.json'), 'utf8')) as GenesisJson;
    const err = await initHome({ home, moniker: 'a', genesis, p2pPort: 0, rpcPort: 0 }).catch((e: unknown) => e);
    expect(isBabyError(err, 'NODE_HOME_EXISTS')).toBe(true);
  });
});

// UPG-4 and UPG-9 on a running one-validator node: a plan this software has no handler for halts it before the plan
// height; the same home restarted with `unsafeSkipUpgrades` at that height commits past it under the old app version,
// the plan removed, as every skipping validator would.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan, TxBody } from '@babychain/codec';
import { encode, sha256, toHex, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import { makeValidatorHome } from '@babychain/test-utils';
import { signManifest, withSignature } from '@babychain/upgrade';
import { silentLogger } from '@babychain/util';
import { afterAll, describe, expect, it } from 'vitest';
import { BabyNode } from './node.ts';

const CHAIN_ID = 'skip-test-1';
const validatorSeed = new Uint8Array(randomBytes(32));
const validatorKey = publicKeyFromSeed(validatorSeed);
const signerSeed = new Uint8Array(32).fill(3);
let nonce = 0n;
const dirs: string[] = [];
const nodes: BabyNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tx(action: NonNullable<TxBody['action']>): Uint8Array {
  const body: TxBody = {
    chainId: CHAIN_ID,
    signer: { key: { case: 'ed25519', value: validatorKey } },
    nonce: nonce++,
    fee: 500n,
    memo: '',
    action,
  };
  return encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(validatorSeed, txSignBytes(body)) }],
  });
}

/** plan `v1` (app version 1, which this software has no handler for) at `height`, signed by the genesis signer */
function plan(height: bigint): Plan {
  const manifest = {
    chainId: CHAIN_ID,
    planName: 'v1',
    version: '9.0.0',
    artifacts: [{ platform: 'linux-x64', sha256: sha256(new Uint8Array([1])), size: 10n, unpackedSize: 10n }],
    expiresMs: BigInt(Date.now()) + 3_600_000n,
    sourceCommit: 'a'.repeat(40),
  };
  const release = withSignature({ manifest, signatures: [] }, signManifest(manifest, signerSeed));
  return { name: 'v1', height, appVersion: 1, release, urls: ['https://releases.example/{sha256}'] };
}

async function get(node: BabyNode, path: string): Promise<Record<string, unknown>> {
  return (await fetch(`${node.rpcUrl}${path}`)).json() as Promise<Record<string, unknown>>;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const height = async (node: BabyNode) => BigInt((await get(node, '/status'))['height'] as string);

async function send(node: BabyNode, bytes: Uint8Array): Promise<void> {
  const r = await fetch(`${node.rpcUrl}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tx: toHex(bytes) }),
  });
  expect(r.status, JSON.stringify(await r.clone().json())).toBe(200);
  const id = toHex(sha256(bytes));
  await until(async () => ((await fetch(`${node.rpcUrl}/txs/${id}`)).status === 200 ? true : undefined), `tx ${id}`);
}

describe('a plan without a handler, with and without --unsafe-skip-upgrade (UPG-4, UPG-9)', () => {
  it('halts at the plan height without the flag; restarted with it, commits past under the old app version', async () => {
    const { home } = await makeValidatorHome({
      chainId: CHAIN_ID,
      accounts: [{ address: addressFromPublicKey(validatorKey), balance: 10_000_000n }],
      genesis: {
        params: { minFee: 500n },
        releaseVersion: '1.0.0',
        govParams: {
          minDeposit: 1_000n,
          babyVotingPeriod: 3n,
          grownUpVotingPeriod: 6n,
          babyUpgradeDelay: 2n,
          grownUpUpgradeDelay: 4n,
          releaseSigners: [publicKeyFromSeed(signerSeed)],
          releaseThreshold: 1,
        },
      },
      validatorSeed,
      commitWaitMs: 50,
    });
    dirs.push(home);
    const first = await BabyNode.open({ home, logger: silentLogger });
    nodes.push(first);
    expect((await get(first, '/status'))['unsafeSkipUpgrades']).toBeUndefined();
    const planHeight = (await height(first)) + 30n;
    const upgrade = { case: 'softwareUpgrade' as const, value: { plan: plan(planHeight) } };
    await send(first, tx({ case: 'submitProposal', value: { deposit: 1_000n, title: 'v1', content: upgrade } }));
    await send(first, tx({ case: 'vote', value: { proposalId: 1n, option: 1 } }));

    // UPG-4: the node stops before the plan height and writes the upgrade-info file
    const halt = await first.halted;
    expect(halt).toMatchObject({ name: 'v1', height: planHeight });
    expect(await height(first)).toBe(planHeight - 1n);
    expect(existsSync(join(home, 'data', 'upgrade-info.json'))).toBe(true);
    await first.close();

    // UPG-9: the same home, the same software, the skip height given
    const skipping = await BabyNode.open({ home, logger: silentLogger, unsafeSkipUpgrades: [planHeight] });
    nodes.push(skipping);
    expect(skipping.unsafeSkipUpgrades).toEqual([planHeight]);
    expect((await get(skipping, '/status'))['unsafeSkipUpgrades']).toEqual([String(planHeight)]);
    let halted = false;
    void skipping.halted.then(() => {
      halted = true;
    });
    await until(async () => ((await height(skipping)) >= planHeight + 2n ? true : undefined), 'blocks past the plan');
    expect(halted).toBe(false);
    const block = await get(skipping, `/blocks/${planHeight}`);
    expect(block['header']).toMatchObject({ version: 0, height: String(planHeight) });
    const gov = (await get(skipping, '/upgrade'))['governance'] as Record<string, unknown>;
    expect(gov).toMatchObject({ appVersion: 0, plan: null, applied: [] });
  }, 60_000);

  it('refuses a skip height that is not a height', async () => {
    const { home } = await makeValidatorHome({ chainId: CHAIN_ID });
    dirs.push(home);
    await expect(BabyNode.open({ home, logger: silentLogger, unsafeSkipUpgrades: [0n] })).rejects.toMatchObject({
      code: 'NODE_BAD_CONFIG',
    });
  });
});

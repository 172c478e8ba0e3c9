// Helpers for the state package's tests, the crash child and the benchmark: keys, signed transfers, blocks.
import type { Block, Commit, Genesis, Header } from '@babychain/codec';
import { commitHash, encode, sha256, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import { MemoryLevel } from 'memory-level';
import type { App } from './app.ts';
import { createDevGenesis } from './genesis.ts';
import type { KvDb } from './store.ts';

export interface TestKey {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: Uint8Array;
}

const text = new TextEncoder();

/** A deterministic key for `n` under `label`. */
export function testKey(n: number, label = 'babychain state test key'): TestKey {
  const seed = sha256(text.encode(`${label} ${n}`));
  const publicKey = publicKeyFromSeed(seed);
  return { seed, publicKey, address: addressFromPublicKey(publicKey) };
}

export interface TransferSpec {
  readonly from: TestKey;
  readonly to: Uint8Array;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly nonce: bigint;
  readonly chainId: string;
  readonly memo?: string;
}

/** A signed single-key transfer, canonically encoded. */
export function signedTransfer(t: TransferSpec): Uint8Array {
  const body = {
    chainId: t.chainId,
    signer: { key: { case: 'ed25519' as const, value: t.from.publicKey } },
    nonce: t.nonce,
    fee: t.fee,
    memo: t.memo ?? '',
    action: { case: 'transfer' as const, value: { to: t.to, amount: t.amount } },
  };
  return encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(t.from.seed, txSignBytes(body)) }],
  });
}

/** An in-memory database the store accepts. */
export function memoryDb(): KvDb {
  return new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' });
}

export const TEST_CHAIN = 'babychain-test-1';

/** A genesis funding `keys` with `balance` each, one validator. */
export function testGenesis(
  keys: readonly TestKey[],
  balance: bigint,
  params: { minFee?: bigint; maxBlockBytes?: bigint; maxBlockTxs?: number } = {},
): Genesis {
  return createDevGenesis({
    chainId: TEST_CHAIN,
    genesisTimeMs: 1_000n,
    accounts: keys.map((k) => ({ address: k.address, balance })),
    validators: [{ name: 'validator-0', publicKey: testKey(1000, 'validator').publicKey, power: 10n }],
    params: { minFee: 10n, ...params },
  });
}

/** A stand-in last commit: what it certifies is consensus's to check; the state machine only hashes it. */
export function fakeCommit(height: bigint, blockHash: Uint8Array): Commit {
  return { height, round: 0, blockHash, signatures: [] };
}

export interface BlockSpec {
  readonly txs: readonly Uint8Array[];
  readonly proposer: Uint8Array;
  readonly timeMs?: bigint;
  /** header fields to override after the valid ones are filled in */
  readonly header?: Partial<Header>;
  readonly lastCommit?: Commit | undefined;
}

/**
 * A block for the app's next height with every header field valid: tx root, app hash (from prepareProposal on
 * exactly these txs, which must all pass), links to the committed parent. `header` overrides fields after.
 */
export async function nextBlock(app: App, spec: BlockSpec): Promise<Block> {
  const info = app.info();
  const height = info.height + 1n;
  const timeMs = spec.timeMs ?? 1_000n + height * 1_000n;
  const prepared = await app.prepareProposal({
    height,
    timeMs,
    proposerAddress: spec.proposer,
    candidates: spec.txs,
  });
  if (prepared.txs.length !== spec.txs.length) {
    throw new Error(
      `nextBlock: ${spec.txs.length - prepared.txs.length} of the txs fail: ${JSON.stringify(prepared.skipped)}`,
    );
  }
  return assembleBlock(app, { ...spec, timeMs }, prepared.txRoot, prepared.appHash);
}

/** A block with the given roots and valid links, without executing anything. */
export function assembleBlock(app: App, spec: BlockSpec, txRoot: Uint8Array, appHash: Uint8Array): Block {
  const info = app.info();
  const height = info.height + 1n;
  const lastCommit =
    'lastCommit' in spec ? spec.lastCommit : height === 1n ? undefined : fakeCommit(info.height, info.lastBlockHash);
  const header: Header = {
    version: app.headerVersion(height),
    chainId: app.chainId,
    height,
    timeMs: spec.timeMs ?? 1_000n + height * 1_000n,
    lastBlockHash: height === 1n ? new Uint8Array(0) : info.lastBlockHash,
    lastCommitHash: lastCommit === undefined ? new Uint8Array(0) : commitHash(lastCommit),
    txRoot,
    validatorsHash: new Uint8Array(0),
    nextValidatorsHash: new Uint8Array(0),
    appHash,
    proposerAddress: spec.proposer,
    evidenceHash: new Uint8Array(0),
    ...spec.header,
  };
  const txs = [...spec.txs];
  return lastCommit === undefined ? { header, txs, evidence: [] } : { header, txs, lastCommit, evidence: [] };
}

/** processProposal + finalizeBlock + commit of a valid block built from `spec`. */
export async function commitBlock(app: App, spec: BlockSpec): Promise<Block> {
  const block = await nextBlock(app, spec);
  await app.processProposal(block);
  await app.finalizeBlock(block);
  await app.commit();
  return block;
}

/** The crash test's chain: `CRASH_KEYS` accounts with 10^12 each, small blocks. */
export const CRASH_KEYS = 40;
export function crashKeys(): TestKey[] {
  return Array.from({ length: CRASH_KEYS }, (_, i) => testKey(i, 'babychain crash test key'));
}
export function crashGenesis(): Genesis {
  return testGenesis(crashKeys(), 1_000_000_000_000n);
}

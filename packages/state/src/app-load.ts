/**
 * What the App starts from (APP-5, GEN-7): an empty store is initialised from the genesis in one batch; a stored one
 * must hold the same genesis, and its governance record must be the one its state root commits to (GOV-3).
 */
import type { Account, Genesis } from '@babychain/codec';
import { BabyError, bytesEqual, fromHex, sha256, toHex } from '@babychain/codec';
import type { AppOptions } from './app-types.ts';
import { StateErrorCode } from './errors.ts';
import { genesisHash, validateGenesis } from './genesis.ts';
import type { Governance } from './governance.ts';
import type { StateStore } from './store.ts';
import { accountKey, EMPTY_HASH, StateTree, valueHash } from './tree/index.ts';

/** The committed head: what the next block builds on (BLK-4, BLK-5, BLK-8). */
export interface Head {
  readonly height: bigint;
  readonly appHash: Uint8Array;
  /** empty at height 0 */
  readonly blockHash: Uint8Array;
  /** the genesis time at height 0 */
  readonly timeMs: bigint;
}

/** What the App starts from: the head, the genesis, the state tree at the head and the governance record. */
export interface LoadedHead {
  readonly head: Head;
  readonly genesis: Genesis;
  readonly tree: StateTree;
  /** the committed governance record (GOV-3; empty: none) */
  readonly record: Uint8Array;
}

export async function loadHead(store: StateStore, options: AppOptions): Promise<LoadedHead> {
  const treeOptions = options.treeCacheSize === undefined ? {} : { cacheSize: options.treeCacheSize };
  const head = await store.head();
  const given = options.genesis;
  if (head === undefined) {
    if (given === undefined) {
      throw new BabyError(StateErrorCode.CORRUPT, 'the store is empty and no genesis was given', { rule: 'GEN-7' });
    }
    validateGenesis(given);
    const accounts = new Map<string, Account>();
    for (const a of given.accounts) accounts.set(toHex(a.address), { balance: a.balance, nonce: 0n });
    const tree = await StateTree.open(store.treeReader, EMPTY_HASH, treeOptions);
    const update = await tree.computeUpdate(treeChanges(accounts));
    await store.writeGenesis(given, accounts, update.writes, update.root);
    tree.commit(update);
    const none = new Uint8Array(0);
    const start = { height: 0n, appHash: update.root, blockHash: none, timeMs: given.genesisTimeMs };
    return { head: start, genesis: given, tree, record: none };
  }
  const stored = await store.genesis();
  if (stored === undefined) throw new BabyError(StateErrorCode.CORRUPT, 'the store has a head but no genesis');
  if (given !== undefined && !bytesEqual(genesisHash(given), genesisHash(stored))) {
    throw new BabyError(
      StateErrorCode.GENESIS_MISMATCH,
      `the store holds chain "${stored.chainId}" (genesis ${toHex(genesisHash(stored))}), not genesis ${toHex(genesisHash(given))}`,
      { stored: toHex(genesisHash(stored)), given: toHex(genesisHash(given)) },
    );
  }
  const tree = await StateTree.open(store.treeReader, head.appHash, treeOptions);
  const record = await store.governanceRecord();
  await checkRecord(tree, record, options.governance);
  let timeMs = stored.genesisTimeMs;
  if (head.height > 0n) {
    const last = await store.block(head.height);
    if (last?.header === undefined) {
      throw new BabyError(StateErrorCode.CORRUPT, `the block at the head height ${head.height} is missing`);
    }
    timeMs = last.header.timeMs;
  }
  const at = { height: head.height, appHash: head.appHash, blockHash: head.blockHash, timeMs };
  return { head: at, genesis: stored, tree, record };
}

/** GOV-3: the stored record is the tree's leaf, or there is neither (APP-5: a store that disagrees is refused). */
async function checkRecord(tree: StateTree, record: Uint8Array, governance: Governance | undefined): Promise<void> {
  if (governance === undefined) return; // without its key the leaf cannot be looked up; execution refuses instead
  const inTree = await tree.valueHashAt(governance.recordKey);
  const expected = record.length === 0 ? undefined : sha256(record);
  if (inTree === undefined && expected === undefined) return;
  if (inTree !== undefined && expected !== undefined && bytesEqual(inTree, expected)) return;
  throw new BabyError(StateErrorCode.CORRUPT, 'the stored governance record is not the one the state root commits to', {
    rule: 'GOV-3',
  });
}

/** The tree's change set (hex accountKey -> valueHash) for accounts by hex address. */
export function treeChanges(accounts: ReadonlyMap<string, Account>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [hex, account] of accounts) out.set(toHex(accountKey(fromHex(hex))), valueHash(account));
  return out;
}

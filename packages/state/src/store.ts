/**
 * The state machine's storage on one LevelDB (`level`) database. Every namespace is a one-byte key prefix, so a
 * block's accounts, tree nodes, block, indexes and head record go into ONE `batch()`: after a crash the store is
 * at the height before or the height of the block, never between (APP-5). The layout is in README.md.
 */
import type { Account, Block, Genesis, Tx } from '@babychain/codec';
import { BabyError, bytesEqual, decode, decodeTx, encode, fromHex, toHex } from '@babychain/codec';
import { Level } from 'level';
import { StateErrorCode } from './errors.ts';
import type { TreeReader, TreeWrite } from './tree/index.ts';

/** What the store needs of a database: `level`'s `Level` and `memory-level`'s `MemoryLevel` (view encodings) fit. */
export interface KvDb {
  readonly status: string;
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  iterator(options: KvRange): AsyncIterable<[Uint8Array, Uint8Array]>;
  batch(ops: KvWrite[], options: { sync?: boolean }): Promise<void>;
}

export interface KvRange {
  gte?: Uint8Array;
  lt?: Uint8Array;
  reverse?: boolean;
  limit?: number;
}

export type KvWrite = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** The last committed height, its state root and its block's hash (empty at height 0). */
export interface HeadRecord {
  readonly height: bigint;
  readonly appHash: Uint8Array;
  readonly blockHash: Uint8Array;
}

/** Where a transaction is: the block height and its position in the block. */
export interface TxLocation {
  readonly height: bigint;
  readonly index: number;
}

export interface StoredTx {
  readonly tx: Tx;
  readonly bytes: Uint8Array;
  readonly height: bigint;
  readonly index: number;
}

export interface HistoryEntry {
  readonly height: bigint;
  readonly index: number;
  /** TX-4 */
  readonly id: Uint8Array;
  /** whether the account sent or received the transfer */
  readonly direction: 'sent' | 'received';
}

export interface HistoryQuery {
  /** at most this many entries, newest first; default 100 */
  readonly limit?: number;
  /** only entries below this position, exclusive (paging: pass the last entry's height and index) */
  readonly before?: { readonly height: bigint; readonly index: number };
}

/** Everything one block adds to the store, written in one batch. */
export interface BlockWrite {
  readonly block: Block;
  readonly blockHash: Uint8Array;
  readonly height: bigint;
  /** per transaction, in block order */
  readonly txs: readonly { readonly id: Uint8Array; readonly sender: Uint8Array; readonly recipient: Uint8Array }[];
  /** accounts after the block (20-byte address -> account) */
  readonly accounts: ReadonlyMap<string, Account>;
  readonly treeWrites: readonly TreeWrite[];
  readonly appHash: Uint8Array;
  /** the governance record after the block (GOV-3) when the block changed it; empty bytes delete it */
  readonly governanceRecord?: Uint8Array;
}

// Namespaces (first key byte).
const NS_META = 0x00;
const NS_ACCOUNT = 0x01;
const NS_NODE = 0x02;
const NS_BLOCK = 0x03;
const NS_BLOCK_HASH = 0x04;
const NS_TX = 0x05;
const NS_HISTORY = 0x06;
const NS_GOV = 0x07;

const text = new TextEncoder();
const KEY_HEAD = meta('head');
const KEY_GENESIS = meta('genesis');
const KEY_FORMAT = meta('format');
const KEY_GOV_RECORD = prefixed(NS_GOV, text.encode('record'));
const FORMAT_VERSION = Uint8Array.of(1);
const SENT = 0;
const RECEIVED = 1;
const ADDRESS_BYTES = 20;
const HISTORY_KEY_BYTES = 1 + ADDRESS_BYTES + 8 + 4;
const ALL_ONES_12 = new Uint8Array(12).fill(0xff);

function meta(name: string): Uint8Array {
  return prefixed(NS_META, text.encode(name));
}

function prefixed(ns: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 1;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out[0] = ns;
  let at = 1;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u64be(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, false);
  return out;
}

function u32be(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v, false);
  return out;
}

function readU64(bytes: Uint8Array, at: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, false);
}

function readU32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, false);
}

function corrupt(message: string): BabyError {
  return new BabyError(StateErrorCode.CORRUPT, `state store: ${message}`, { rule: 'APP-5' });
}

function encodeHead(head: HeadRecord): Uint8Array {
  return prefixedRaw(u64be(head.height), head.appHash, head.blockHash);
}

function prefixedRaw(...parts: Uint8Array[]): Uint8Array {
  return prefixed(0, ...parts).subarray(1);
}

function decodeHead(bytes: Uint8Array): HeadRecord {
  if (bytes.length !== 40 && bytes.length !== 72) throw corrupt(`head record of ${bytes.length} bytes`);
  return { height: readU64(bytes, 0), appHash: bytes.slice(8, 40), blockHash: bytes.slice(40) };
}

export interface StateStoreOptions {
  /** fsync every batch (default true): a machine crash then loses nothing acknowledged either */
  readonly sync?: boolean;
}

export class StateStore {
  readonly #db: KvDb;
  readonly #sync: boolean;
  /** The tree nodes' keyspace, for StateTree.open. */
  readonly treeReader: TreeReader;

  private constructor(db: KvDb, sync: boolean) {
    this.#db = db;
    this.#sync = sync;
    this.treeReader = {
      get: async (key) => plainOrUndefined(await db.get(prefixed(NS_NODE, key))),
      getMany: async (keys) => (await db.getMany(keys.map((k) => prefixed(NS_NODE, k)))).map(plainOrUndefined),
    };
  }

  /** Opens a LevelDB directory (created if missing) or an existing database with `view` encodings. */
  static async open(location: string | KvDb, options: StateStoreOptions = {}): Promise<StateStore> {
    const db: KvDb =
      typeof location === 'string'
        ? new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' })
        : location;
    if (db.status !== 'open') await db.open();
    const format = await db.get(KEY_FORMAT);
    if (format !== undefined && (format.length !== 1 || format[0] !== FORMAT_VERSION[0])) {
      throw corrupt(`unknown storage format ${toHex(format)}`);
    }
    return new StateStore(db, options.sync ?? true);
  }

  async close(): Promise<void> {
    if (this.#db.status === 'open') await this.#db.close();
  }

  /** The head record; undefined for a store never initialised from a genesis. */
  async head(): Promise<HeadRecord | undefined> {
    const bytes = await this.#get(KEY_HEAD);
    return bytes === undefined ? undefined : decodeHead(bytes);
  }

  async genesis(): Promise<Genesis | undefined> {
    const bytes = await this.#get(KEY_GENESIS);
    return bytes === undefined ? undefined : decode('babychain.v0.Genesis', bytes);
  }

  async account(address: Uint8Array): Promise<Account | undefined> {
    const bytes = await this.#get(prefixed(NS_ACCOUNT, address));
    return bytes === undefined ? undefined : decode('babychain.v0.Account', bytes);
  }

  /** The committed accounts of `addresses` in one `getMany`; undefined for an address never seen. */
  async accounts(addresses: readonly Uint8Array[]): Promise<(Account | undefined)[]> {
    const values = await this.#getMany(addresses.map((a) => prefixed(NS_ACCOUNT, a)));
    return values.map((v) => (v === undefined ? undefined : decode('babychain.v0.Account', v)));
  }

  /** Every stored account in address order (tools, tests, audits). */
  async *allAccounts(): AsyncGenerator<[Uint8Array, Account]> {
    const range = { gte: Uint8Array.of(NS_ACCOUNT), lt: Uint8Array.of(NS_ACCOUNT + 1) };
    for await (const [key, value] of this.#db.iterator(range)) {
      yield [Uint8Array.from(key.subarray(1)), decode('babychain.v0.Account', plain(value))];
    }
  }

  /** The committed governance record (GOV-3); empty bytes when there is none. */
  async governanceRecord(): Promise<Uint8Array> {
    return (await this.#get(KEY_GOV_RECORD))?.slice() ?? new Uint8Array(0);
  }

  async blockBytes(height: bigint): Promise<Uint8Array | undefined> {
    if (height < 1n) return undefined;
    return this.#get(prefixed(NS_BLOCK, u64be(height)));
  }

  async block(height: bigint): Promise<Block | undefined> {
    const bytes = await this.blockBytes(height);
    return bytes === undefined ? undefined : decode('babychain.v0.Block', bytes);
  }

  async heightOfBlock(hash: Uint8Array): Promise<bigint | undefined> {
    if (hash.length !== 32) return undefined;
    const bytes = await this.#get(prefixed(NS_BLOCK_HASH, hash));
    return bytes === undefined ? undefined : readU64(bytes, 0);
  }

  async blockByHash(hash: Uint8Array): Promise<Block | undefined> {
    const height = await this.heightOfBlock(hash);
    return height === undefined ? undefined : this.block(height);
  }

  /** A committed transaction by id (TX-4), with where it is. */
  async tx(id: Uint8Array): Promise<StoredTx | undefined> {
    const at = await this.txLocation(id);
    if (at === undefined) return undefined;
    const bytes = (await this.block(at.height))?.txs[at.index];
    if (bytes === undefined) throw new BabyError(StateErrorCode.CORRUPT, 'tx index points at a missing transaction');
    return { tx: decodeTx(bytes), bytes, height: at.height, index: at.index };
  }

  async txLocation(id: Uint8Array): Promise<TxLocation | undefined> {
    if (id.length !== 32) return undefined;
    const bytes = await this.#get(prefixed(NS_TX, id));
    return bytes === undefined ? undefined : { height: readU64(bytes, 0), index: readU32(bytes, 8) };
  }

  /** The transfers an address sent or received, newest first. */
  async history(address: Uint8Array, query: HistoryQuery = {}): Promise<HistoryEntry[]> {
    const limit = query.limit ?? 100;
    if (address.length !== ADDRESS_BYTES || limit <= 0) return [];
    const gte = prefixed(NS_HISTORY, address);
    // Height 2^64-1 is never reached, so address || 0xff * 12 is above every entry of the address.
    const before = query.before;
    const lt =
      before === undefined
        ? prefixed(NS_HISTORY, address, ALL_ONES_12)
        : prefixed(NS_HISTORY, address, u64be(before.height), u32be(before.index));
    const out: HistoryEntry[] = [];
    for await (const [k, v] of this.#db.iterator({ gte, lt, reverse: true, limit })) {
      const key = plain(k);
      const value = plain(v);
      if (key.length !== HISTORY_KEY_BYTES || value.length !== 33) throw corrupt('bad history entry');
      out.push({
        height: readU64(key, 1 + ADDRESS_BYTES),
        index: readU32(key, 1 + ADDRESS_BYTES + 8),
        id: value.slice(0, 32),
        direction: value[32] === SENT ? 'sent' : 'received',
      });
    }
    return out;
  }

  /** GEN-7: the height-0 state, in one batch. */
  async writeGenesis(
    genesis: Genesis,
    accounts: ReadonlyMap<string, Account>,
    treeWrites: readonly TreeWrite[],
    appHash: Uint8Array,
  ): Promise<void> {
    const ops: KvWrite[] = [
      { type: 'put', key: KEY_FORMAT, value: FORMAT_VERSION },
      { type: 'put', key: KEY_GENESIS, value: encode('babychain.v0.Genesis', genesis) },
    ];
    this.#putAccounts(ops, accounts);
    this.#putNodes(ops, treeWrites);
    ops.push({
      type: 'put',
      key: KEY_HEAD,
      value: encodeHead({ height: 0n, appHash, blockHash: new Uint8Array(0) }),
    });
    await this.#db.batch(ops, { sync: this.#sync });
  }

  /** APP-5: a block with everything it changes, in one batch. */
  async writeBlock(w: BlockWrite): Promise<void> {
    const height = u64be(w.height);
    const ops: KvWrite[] = [
      { type: 'put', key: prefixed(NS_BLOCK, height), value: encode('babychain.v0.Block', w.block) },
      { type: 'put', key: prefixed(NS_BLOCK_HASH, w.blockHash), value: height },
    ];
    w.txs.forEach((t, index) => {
      const idx = u32be(index);
      ops.push({ type: 'put', key: prefixed(NS_TX, t.id), value: prefixedRaw(height, idx) });
      ops.push({
        type: 'put',
        key: prefixed(NS_HISTORY, t.sender, height, idx),
        value: prefixedRaw(t.id, Uint8Array.of(SENT)),
      });
      // A governance action names its sender as recipient: one entry, sent.
      if (!bytesEqual(t.recipient, t.sender)) {
        ops.push({
          type: 'put',
          key: prefixed(NS_HISTORY, t.recipient, height, idx),
          value: prefixedRaw(t.id, Uint8Array.of(RECEIVED)),
        });
      }
    });
    this.#putAccounts(ops, w.accounts);
    this.#putNodes(ops, w.treeWrites);
    const record = w.governanceRecord;
    if (record !== undefined) {
      ops.push(
        record.length === 0
          ? { type: 'del', key: KEY_GOV_RECORD }
          : { type: 'put', key: KEY_GOV_RECORD, value: record.slice() },
      );
    }
    ops.push({
      type: 'put',
      key: KEY_HEAD,
      value: encodeHead({ height: w.height, appHash: w.appHash, blockHash: w.blockHash }),
    });
    await this.#db.batch(ops, { sync: this.#sync });
  }

  async #get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return plainOrUndefined(await this.#db.get(key));
  }

  async #getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return (await this.#db.getMany(keys)).map(plainOrUndefined);
  }

  #putAccounts(ops: KvWrite[], accounts: ReadonlyMap<string, Account>): void {
    for (const [hex, account] of accounts) {
      ops.push({
        type: 'put',
        key: prefixed(NS_ACCOUNT, hexBytes(hex)),
        value: encode('babychain.v0.Account', account),
      });
    }
  }

  #putNodes(ops: KvWrite[], writes: readonly TreeWrite[]): void {
    for (const w of writes) {
      if (w.type === 'put') ops.push({ type: 'put', key: prefixed(NS_NODE, w.key), value: w.value });
      else ops.push({ type: 'del', key: prefixed(NS_NODE, w.key) });
    }
  }
}

/** classic-level hands out Buffers for view encodings; callers get plain Uint8Arrays (same memory). */
function plain(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

function plainOrUndefined(bytes: Uint8Array | undefined): Uint8Array | undefined {
  return bytes === undefined ? undefined : plain(bytes);
}

function hexBytes(hex: string): Uint8Array {
  return fromHex(hex);
}

// The state tree of STATE-10 kept in a key-value store, updated in batches, and proving STATE-11 paths.
//
// Storage layout (keys and values relative to the reader given to `StateTree.open`, e.g. a sublevel):
//
//   key   = depth (uint16, big-endian) || the first ceil(depth / 8) bytes of the keys below the node,
//           with the bits from `depth` on set to zero                     (the root is 0x0000)
//   value = the node's hash preimage, 65 bytes:
//             leaf   0x00 || account key || value hash     (STATE-8)
//             inner  0x01 || left hash   || right hash     (STATE-10)
//
// so a node's hash is SHA-256(value), a parent holds its children's hashes (which are the proof siblings), and
// the caller keeps the root hash next to its own data (block height, app_hash). Empty subtrees are not stored.
// Depth takes two bytes because a leaf can sit at depth 256 (two keys that differ only in their last bit).
//
// Only the latest version is stored: a node lives at its path and an update overwrites the nodes on the paths it
// changes. Since an account is never removed (STATE-10), a path that holds a node keeps holding one (a leaf pushed
// down by a newcomer leaves an inner node at its old path), so an update never has stale nodes to delete: the
// writes are puts only, one per changed path. The `del` write type exists for the interface's sake.
//
// Every node read from storage is checked against the hash its parent (or the committed root) gives for it, so a
// store that does not hold the committed tree fails loudly (STATE_CORRUPT) instead of producing a wrong root.
import type { MetaOf, StateProof } from '@babychain/codec';
import { BabyError, bytesEqual, fromHex, sha256, toHex } from '@babychain/codec';
import { LruCache } from '@babychain/util';
import { StateErrorCode } from '../errors.ts';
import {
  bitAt,
  EMPTY_HASH,
  HASH_BYTES,
  INNER_TAG,
  innerNode,
  isEmptyHash,
  KEY_BITS,
  LEAF_TAG,
  leafNode,
  sharePrefix,
} from './hash.ts';

/**
 * Reads the nodes of the tree. A level database or sublevel opened with `keyEncoding: 'view'` and
 * `valueEncoding: 'view'` fits. `getMany`, when present, is used to read the nodes of one depth in one call.
 */
export interface TreeReader {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  getMany?(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
}

/** A write to put into the same atomic batch as the new root (same keyspace as the reader). */
export type TreeWrite = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** The root after a set of changes and the node writes that make it durable. */
export interface TreeUpdate {
  readonly root: Uint8Array;
  readonly writes: readonly TreeWrite[];
}

export interface StateTreeOptions {
  /** Nodes kept in memory (least recently used out first). Default 200 000, about 40 MB. */
  readonly cacheSize?: number;
  /** Walk the whole stored tree at open and check it reproduces the committed root in canonical shape. */
  readonly verify?: boolean;
}

/** Cumulative counters, for benchmarks and metrics. */
export interface StateTreeStats {
  /** SHA-256 computations of nodes: new nodes of updates and checks of nodes read from storage. */
  hashes: number;
  /** Nodes read from storage (cache misses). */
  storageReads: number;
  /** Nodes found in the cache. */
  cacheHits: number;
}

/** What a full walk of the stored tree found. */
export interface TreeCheck {
  readonly leaves: number;
  readonly innerNodes: number;
  readonly maxDepth: number;
}

/**
 * Not in StateErrorCode yet (packages/state/src/errors.ts is not this module's to edit): the store does not hold
 * the tree of the committed root. Never a protocol outcome, always a broken or mismatched database.
 */

const DEFAULT_CACHE_SIZE = 200_000;
const NODE_BYTES = 1 + 2 * HASH_BYTES;
const MAX_RESTARTS = 1000;
const NO_BYTES = new Uint8Array(0);

/** A plain Uint8Array copy (Buffer#slice, which stores may hand out, is a view, not a copy). */
const copy = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

interface Entry {
  readonly hex: string;
  readonly key: Uint8Array;
  readonly vh: Uint8Array;
}

interface Request {
  readonly path: Uint8Array;
  readonly hash: Uint8Array;
  readonly depth: number;
  readonly onlyChild?: boolean;
}

function corrupt(message: string, meta: MetaOf<typeof StateErrorCode.CORRUPT>): BabyError {
  return new BabyError(StateErrorCode.CORRUPT, `state tree store: ${message}`, { rule: 'STATE-10', ...meta });
}

/** The storage key of the node at `depth` on the path of `key` (layout above). */
function pathKey(depth: number, key: Uint8Array): Uint8Array {
  const n = (depth + 7) >>> 3;
  const out = new Uint8Array(2 + n);
  out[0] = depth >>> 8;
  out[1] = depth & 0xff;
  out.set(key.subarray(0, n), 2);
  const rest = depth & 7;
  if (rest !== 0) out[1 + n] = (out[1 + n] as number) & (0xff << (8 - rest)) & 0xff;
  return out;
}

/** The cache key of a storage key: one UTF-16 unit per byte. */
function pathId(path: Uint8Array): string {
  return String.fromCharCode.apply(null, path as unknown as number[]);
}

const left = (node: Uint8Array): Uint8Array => node.subarray(1, 1 + HASH_BYTES);
const right = (node: Uint8Array): Uint8Array => node.subarray(1 + HASH_BYTES, NODE_BYTES);

/**
 * Where `#prefetch` leaves the node that `#update` visits at depth `d` for the entries from `lo` on: both walk the
 * same ranges of the sorted changes, and at one depth a range is known by its first index.
 */
const slot = (d: number, lo: number): number => lo * (KEY_BITS + 1) + d;

/** First index in [lo, hi) whose key has bit `d` set; the range is sorted and shares its first `d` bits. */
function split(entries: readonly Entry[], lo: number, hi: number, d: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (bitAt((entries[mid] as Entry).key, d) === 0) a = mid + 1;
    else b = mid;
  }
  return a;
}

function parseChanges(changes: ReadonlyMap<string, Uint8Array>): Entry[] {
  const entries: Entry[] = [];
  for (const [id, vh] of changes) {
    if (typeof id !== 'string' || id.length !== 2 * HASH_BYTES) {
      throw new TypeError(`computeUpdate: a key must be 64 hex digits, got ${String(id)}`);
    }
    if (!(vh instanceof Uint8Array) || vh.length !== HASH_BYTES) {
      throw new TypeError(`computeUpdate: the value hash of ${id} is not 32 bytes`);
    }
    const key = fromHex(id);
    entries.push({ hex: toHex(key), key, vh });
  }
  entries.sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
  for (let i = 1; i < entries.length; i++) {
    if ((entries[i] as Entry).hex === (entries[i - 1] as Entry).hex) {
      throw new TypeError(`computeUpdate: key ${(entries[i] as Entry).hex} is given twice`);
    }
  }
  return entries;
}

/**
 * The binary sparse Merkle tree of STATE-10 over a key-value store. The tree never writes: `computeUpdate`
 * returns the writes, the caller puts them into its block's atomic batch together with the new root, then calls
 * `commit`. Call `commit` right after that batch is written (in the same continuation), so that no read of this
 * tree sees the new nodes while the tree still holds the old root.
 */
export class StateTree {
  readonly #reader: TreeReader;
  readonly #cache: LruCache<string, Uint8Array>;
  readonly #updates = new WeakMap<TreeUpdate, number>();
  readonly #stats: StateTreeStats = { hashes: 0, storageReads: 0, cacheHits: 0 };
  #root: Uint8Array;
  #version = 0;

  private constructor(reader: TreeReader, root: Uint8Array, cacheSize: number) {
    this.#reader = reader;
    this.#root = root;
    this.#cache = new LruCache(cacheSize);
  }

  /**
   * The tree whose committed root is `committedRoot` (EMPTY_HASH for a new tree). Reads the root node to check
   * the store holds it; with `verify`, walks and checks the whole stored tree (see `check`).
   */
  static async open(reader: TreeReader, committedRoot: Uint8Array, options: StateTreeOptions = {}): Promise<StateTree> {
    if (!(committedRoot instanceof Uint8Array) || committedRoot.length !== HASH_BYTES) {
      throw new TypeError('StateTree.open: the committed root must be 32 bytes');
    }
    const tree = new StateTree(reader, copy(committedRoot), options.cacheSize ?? DEFAULT_CACHE_SIZE);
    if (options.verify === true) await tree.check();
    else if (!isEmptyHash(committedRoot)) {
      await tree.#load([{ path: pathKey(0, EMPTY_HASH), hash: committedRoot, depth: 0 }], tree.#version, true);
    }
    return tree;
  }

  /** The committed root. */
  get root(): Uint8Array {
    return copy(this.#root);
  }

  get stats(): Readonly<StateTreeStats> {
    return { ...this.#stats };
  }

  /**
   * The root after setting these leaves (hex of accountKey -> valueHash) on the committed tree, and the node
   * writes that make it durable. Writes nothing and does not move the tree, so several updates may be computed
   * against one committed root; only one of them can be committed. Reads only the nodes on changed paths.
   */
  async computeUpdate(changes: ReadonlyMap<string, Uint8Array>): Promise<TreeUpdate> {
    const entries = parseChanges(changes);
    for (let attempt = 0; attempt < MAX_RESTARTS; attempt++) {
      const version = this.#version;
      const root = this.#root;
      const loaded = await this.#prefetch(entries, root, version);
      if (loaded === null) continue; // a commit happened while reading: start again from the new root
      const writes: TreeWrite[] = [];
      const newRoot = this.#update(0, entries, 0, entries.length, root, loaded, writes);
      const update: TreeUpdate = Object.freeze({ root: newRoot, writes: Object.freeze(writes) });
      this.#updates.set(update, version);
      return update;
    }
    throw new Error('StateTree.computeUpdate: the tree kept moving under the computation');
  }

  /**
   * Makes `update` the committed state, once its writes are in the store. Throws for an update that was not
   * computed by this tree from the current committed root (e.g. the losing one of two competing updates).
   */
  commit(update: TreeUpdate): void {
    const version = this.#updates.get(update);
    if (version === undefined) throw new Error('StateTree.commit: not an update computed by this tree');
    if (version !== this.#version) {
      throw new Error('StateTree.commit: the update was computed against a root that is no longer committed');
    }
    for (const w of update.writes) {
      if (w.type === 'put') this.#cache.set(pathId(w.key), w.value);
      else this.#cache.delete(pathId(w.key));
    }
    this.#root = copy(update.root);
    this.#version++;
  }

  /** An inclusion or exclusion proof (STATE-11) for `key` (an accountKey) against the committed root. */
  async prove(key: Uint8Array): Promise<StateProof> {
    if (!(key instanceof Uint8Array) || key.length !== HASH_BYTES) throw new TypeError('prove: a key is 32 bytes');
    const k = copy(key);
    attempts: for (let attempt = 0; attempt < MAX_RESTARTS; attempt++) {
      const version = this.#version;
      let hash = this.#root;
      const siblings: Uint8Array[] = [];
      for (let d = 0; ; d++) {
        if (isEmptyHash(hash)) return { key: k, siblings, otherKey: NO_BYTES, otherValueHash: NO_BYTES };
        const nodes = await this.#load([{ path: pathKey(d, k), hash, depth: d }], version, false);
        if (nodes === null) continue attempts;
        const node = nodes[0] as Uint8Array;
        if (node[0] === LEAF_TAG) {
          const leafKey = left(node);
          if (bytesEqual(leafKey, k)) return { key: k, siblings, otherKey: NO_BYTES, otherValueHash: NO_BYTES };
          return { key: k, siblings, otherKey: copy(leafKey), otherValueHash: copy(right(node)) };
        }
        const bit = bitAt(k, d);
        const sibling = bit === 0 ? right(node) : left(node);
        siblings.push(isEmptyHash(sibling) ? NO_BYTES : copy(sibling));
        hash = bit === 0 ? left(node) : right(node);
      }
    }
    throw new Error('StateTree.prove: the tree kept moving under the proof');
  }

  /** The value hash of the leaf with `key` in the committed tree (nodes checked on the way), undefined if none. */
  async valueHashAt(key: Uint8Array): Promise<Uint8Array | undefined> {
    if (!(key instanceof Uint8Array) || key.length !== HASH_BYTES)
      throw new TypeError('valueHashAt: a key is 32 bytes');
    attempts: for (let attempt = 0; attempt < MAX_RESTARTS; attempt++) {
      const version = this.#version;
      let hash = this.#root;
      for (let d = 0; ; d++) {
        if (isEmptyHash(hash)) return undefined;
        const nodes = await this.#load([{ path: pathKey(d, key), hash, depth: d }], version, false);
        if (nodes === null) continue attempts;
        const node = nodes[0] as Uint8Array;
        if (node[0] === LEAF_TAG) return bytesEqual(left(node), key) ? copy(right(node)) : undefined;
        hash = bitAt(key, d) === 0 ? left(node) : right(node);
      }
    }
    throw new Error('StateTree.valueHashAt: the tree kept moving under the read');
  }

  /**
   * Walks the whole stored tree from the committed root, reading from the store (not the cache): every node must
   * hash to what its parent says, every leaf must lie on its key's path, and the shape must be the canonical one
   * of STATE-10 (no inner node over fewer than two accounts). Throws STATE_CORRUPT otherwise.
   */
  async check(): Promise<TreeCheck> {
    const version = this.#version;
    let frontier: Request[] = [];
    if (!isEmptyHash(this.#root)) frontier.push({ path: pathKey(0, EMPTY_HASH), hash: this.#root, depth: 0 });
    let leaves = 0;
    let innerNodes = 0;
    let maxDepth = 0;
    while (frontier.length > 0) {
      const nodes = await this.#load(frontier, version, true);
      if (nodes === null) throw new Error('StateTree.check: a commit happened during the check');
      const next: Request[] = [];
      for (let i = 0; i < frontier.length; i++) {
        const req = frontier[i] as Request;
        const node = nodes[i] as Uint8Array;
        maxDepth = Math.max(maxDepth, req.depth);
        if (node[0] === LEAF_TAG) {
          // An only child holding one account should have been its parent: not the shape of STATE-10.
          if (req.onlyChild === true)
            throw corrupt('a leaf is the only child of an inner node', { path: toHex(req.path) });
          leaves++;
          continue;
        }
        innerNodes++;
        const l = left(node);
        const r = right(node);
        const onlyChild = isEmptyHash(l) !== isEmptyHash(r);
        if (isEmptyHash(l) && isEmptyHash(r)) {
          throw corrupt('an inner node has two empty children', { path: toHex(req.path) });
        }
        const d = req.depth;
        const prefix = new Uint8Array(HASH_BYTES);
        prefix.set(req.path.subarray(2));
        if (!isEmptyHash(l)) next.push({ path: pathKey(d + 1, prefix), hash: l, depth: d + 1, onlyChild });
        if (!isEmptyHash(r)) {
          prefix[d >>> 3] = (prefix[d >>> 3] as number) | (0x80 >>> (d & 7));
          next.push({ path: pathKey(d + 1, prefix), hash: r, depth: d + 1, onlyChild });
        }
      }
      frontier = next;
    }
    return { leaves, innerNodes, maxDepth };
  }

  /**
   * Reads the nodes of `requests` from the cache or the store and checks them against their expected hashes and
   * paths. Returns null when a commit moved the tree since `version` (the caller starts again).
   */
  async #load(requests: readonly Request[], version: number, bypassCache: boolean): Promise<Uint8Array[] | null> {
    const out: Uint8Array[] = new Array(requests.length);
    const missing: number[] = [];
    for (let i = 0; i < requests.length; i++) {
      const hit = bypassCache ? undefined : this.#cache.get(pathId((requests[i] as Request).path));
      if (hit === undefined) missing.push(i);
      else out[i] = hit;
    }
    this.#stats.cacheHits += requests.length - missing.length;
    if (missing.length === 0) return out;
    const keys = missing.map((i) => (requests[i] as Request).path);
    const reader = this.#reader;
    const values =
      reader.getMany !== undefined && keys.length > 1
        ? await reader.getMany(keys)
        : await Promise.all(keys.map((k) => reader.get(k)));
    if (this.#version !== version) return null;
    this.#stats.storageReads += keys.length;
    for (let j = 0; j < missing.length; j++) {
      const i = missing[j] as number;
      const { path, hash, depth } = requests[i] as Request;
      const value = values[j];
      if (value === undefined) throw corrupt('a node of the committed tree is missing', { path: toHex(path) });
      this.#stats.hashes++;
      if (value.length !== NODE_BYTES || !bytesEqual(sha256(value), hash)) {
        throw corrupt('a node does not hash to what its parent says', { path: toHex(path) });
      }
      if (value[0] === LEAF_TAG) {
        if (!sharePrefix(left(value), path.subarray(2), depth)) {
          throw corrupt('a leaf is off its key path', { path: toHex(path) });
        }
      } else if (value[0] !== INNER_TAG || depth >= KEY_BITS) {
        throw corrupt('a node is neither a leaf nor an inner node above depth 256', { path: toHex(path) });
      }
      const node = copy(value);
      out[i] = node;
      if (!bypassCache) this.#cache.set(pathId(path), node);
    }
    return out;
  }

  /**
   * Loads, depth by depth, every stored node on the paths of `entries` (the nodes `#update` will visit).
   * Null when a commit moved the tree meanwhile.
   */
  async #prefetch(
    entries: readonly Entry[],
    root: Uint8Array,
    version: number,
  ): Promise<Map<number, Uint8Array> | null> {
    const loaded = new Map<number, Uint8Array>();
    if (entries.length === 0 || isEmptyHash(root)) return loaded;
    let frontier: { lo: number; hi: number; req: Request }[] = [
      { lo: 0, hi: entries.length, req: { path: pathKey(0, EMPTY_HASH), hash: root, depth: 0 } },
    ];
    while (frontier.length > 0) {
      const nodes = await this.#load(
        frontier.map((f) => f.req),
        version,
        false,
      );
      if (nodes === null) return null;
      const next: typeof frontier = [];
      for (let i = 0; i < frontier.length; i++) {
        const { lo, hi, req } = frontier[i] as (typeof frontier)[number];
        const node = nodes[i] as Uint8Array;
        loaded.set(slot(req.depth, lo), node);
        if (node[0] !== INNER_TAG) continue;
        const d = req.depth;
        const m = split(entries, lo, hi, d);
        const l = left(node);
        const r = right(node);
        if (m > lo && !isEmptyHash(l)) {
          next.push({ lo, hi: m, req: { path: pathKey(d + 1, (entries[lo] as Entry).key), hash: l, depth: d + 1 } });
        }
        if (hi > m && !isEmptyHash(r)) {
          next.push({ lo: m, hi, req: { path: pathKey(d + 1, (entries[m] as Entry).key), hash: r, depth: d + 1 } });
        }
      }
      frontier = next;
    }
    return loaded;
  }

  #hash(node: Uint8Array): Uint8Array {
    this.#stats.hashes++;
    return sha256(node);
  }

  #put(writes: TreeWrite[], depth: number, key: Uint8Array, node: Uint8Array): Uint8Array {
    writes.push({ type: 'put', key: pathKey(depth, key), value: node });
    return this.#hash(node);
  }

  /**
   * The new hash of the subtree at depth `d` on the path of entries[lo, hi), whose committed hash is `hash`, after
   * setting those entries. Appends the writes of the nodes it changes.
   */
  #update(
    d: number,
    entries: readonly Entry[],
    lo: number,
    hi: number,
    hash: Uint8Array,
    loaded: ReadonlyMap<number, Uint8Array>,
    writes: TreeWrite[],
  ): Uint8Array {
    if (lo === hi) return hash;
    if (isEmptyHash(hash)) return this.#build(d, entries, lo, hi, writes);
    const first = entries[lo] as Entry;
    const node = loaded.get(slot(d, lo));
    if (node === undefined) throw new Error('unreachable: a node on a changed path was not loaded');
    if (node[0] === LEAF_TAG) {
      const leafKey = left(node);
      if (hi - lo === 1 && bytesEqual(leafKey, first.key)) {
        if (bytesEqual(right(node), first.vh)) return hash;
        return this.#put(writes, d, first.key, leafNode(first.key, first.vh));
      }
      // The leaf makes room: it and the changes form a subtree built from scratch (a change may overwrite it).
      const merged = entries.slice(lo, hi);
      const leafHex = toHex(leafKey);
      let at = 0;
      while (at < merged.length && (merged[at] as Entry).hex < leafHex) at++;
      if (at === merged.length || (merged[at] as Entry).hex !== leafHex) {
        merged.splice(at, 0, { hex: leafHex, key: leafKey, vh: right(node) });
      }
      return this.#build(d, merged, 0, merged.length, writes);
    }
    const m = split(entries, lo, hi, d);
    const l = left(node);
    const r = right(node);
    const newLeft = this.#update(d + 1, entries, lo, m, l, loaded, writes);
    const newRight = this.#update(d + 1, entries, m, hi, r, loaded, writes);
    if (bytesEqual(newLeft, l) && bytesEqual(newRight, r)) return hash;
    return this.#put(writes, d, first.key, innerNode(newLeft, newRight));
  }

  /** STATE-10 for entries[lo, hi) alone at depth `d` (the committed subtree there is empty or was merged in). */
  #build(d: number, entries: readonly Entry[], lo: number, hi: number, writes: TreeWrite[]): Uint8Array {
    const first = entries[lo] as Entry;
    if (hi - lo === 1) return this.#put(writes, d, first.key, leafNode(first.key, first.vh));
    const m = split(entries, lo, hi, d);
    const l = m > lo ? this.#build(d + 1, entries, lo, m, writes) : EMPTY_HASH;
    const r = hi > m ? this.#build(d + 1, entries, m, hi, writes) : EMPTY_HASH;
    return this.#put(writes, d, first.key, innerNode(l, r));
  }
}

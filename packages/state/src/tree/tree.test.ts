import type { Account } from '@babychain/codec';
import { bytesEqual, isBabyError, sha256, toHex } from '@babychain/codec';
import { SeededRandom } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import { accountKey, bitAt, EMPTY_HASH, innerNode, leafHash, leafNode, valueHash } from './hash.ts';
import { verifyStateProof } from './proof.ts';
import { referenceRoot } from './reference.ts';
import {
  applyWrites,
  changesOf,
  dump,
  memoryStore,
  type Store,
  sharedPrefixPair,
  testAddress,
} from './tree.testutil.ts';
import type { TreeReader, TreeUpdate } from './tree.ts';
import { StateTree } from './tree.ts';

const acct = (balance: bigint, nonce = 0n): Account => ({ balance, nonce });

/** Computes, writes and commits one update, as a node does with a block. */
async function apply(
  tree: StateTree,
  db: Store,
  accounts: Iterable<readonly [Uint8Array, Account]>,
): Promise<TreeUpdate> {
  const update = await tree.computeUpdate(changesOf(accounts));
  await applyWrites(db, update.writes);
  tree.commit(update);
  return update;
}

function reference(state: ReadonlyMap<string, readonly [Uint8Array, Account]>): Uint8Array {
  return referenceRoot([...state.values()].map(([address, a]) => [accountKey(address), valueHash(a)] as const));
}

function expectCode(err: unknown, code: string): void {
  expect(isBabyError(err, code), String(err)).toBe(true);
}

describe('StateTree', () => {
  it('has the empty root (32 zero bytes) before any account, and proves any address absent', async () => {
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    expect(toHex(tree.root)).toBe('00'.repeat(32));
    const address = testAddress(1);
    const proof = await tree.prove(accountKey(address));
    expect(proof.siblings).toEqual([]);
    expect(proof.otherKey.length).toBe(0);
    verifyStateProof(tree.root, address, null, proof);
    const none = await tree.computeUpdate(new Map());
    expect(none.writes).toEqual([]);
    expect(bytesEqual(none.root, EMPTY_HASH)).toBe(true);
  });

  it('reads the value hash of a key, and nothing for a key without a leaf, even one sharing a path', async () => {
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    const [a, b] = sharedPrefixPair(12);
    expect(await tree.valueHashAt(accountKey(a))).toBeUndefined();
    await apply(tree, db, [[a, acct(5n)]]);
    expect(await tree.valueHashAt(accountKey(a))).toEqual(valueHash(acct(5n)));
    expect(await tree.valueHashAt(accountKey(b))).toBeUndefined(); // a's leaf occupies b's path
    await apply(tree, db, [[b, acct(6n)]]);
    const reopened = await StateTree.open(db, tree.root);
    expect(await reopened.valueHashAt(accountKey(b))).toEqual(valueHash(acct(6n)));
    expect(await reopened.valueHashAt(accountKey(testAddress(99)))).toBeUndefined();
  });

  it("commits a single account as that account's leaf hash, stored at the root path", async () => {
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    const address = testAddress(1);
    const update = await apply(tree, db, [[address, acct(123n)]]);
    expect(toHex(tree.root)).toBe(toHex(leafHash(accountKey(address), valueHash(acct(123n)))));
    expect(update.writes).toHaveLength(1);
    expect(toHex((update.writes[0] as { key: Uint8Array }).key)).toBe('0000');
    const proof = await tree.prove(accountKey(address));
    expect(proof.siblings).toEqual([]);
    verifyStateProof(tree.root, address, acct(123n), proof);
  });

  it('places two accounts sharing a 12-bit key prefix below a chain of inner nodes with empty siblings', async () => {
    const [a, b] = sharedPrefixPair(12);
    const ka = accountKey(a);
    const kb = accountKey(b);
    let split = 0;
    while (bitAt(ka, split) === bitAt(kb, split)) split++;
    expect(split).toBeGreaterThanOrEqual(12);

    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    const update = await apply(tree, db, [
      [a, acct(5n)],
      [b, acct(7n, 2n)],
    ]);
    expect(toHex(tree.root)).toBe(
      toHex(
        referenceRoot([
          [ka, valueHash(acct(5n))],
          [kb, valueHash(acct(7n, 2n))],
        ]),
      ),
    );
    // split + 1 inner nodes (depths 0..split) and two leaves at depth split + 1.
    expect(update.writes).toHaveLength(split + 3);
    expect(await tree.check()).toEqual({ leaves: 2, innerNodes: split + 1, maxDepth: split + 1 });

    const proof = await tree.prove(ka);
    expect(proof.siblings).toHaveLength(split + 1);
    expect(proof.siblings.slice(0, split).every((s) => s.length === 0)).toBe(true);
    expect(toHex(proof.siblings[split] as Uint8Array)).toBe(toHex(leafHash(kb, valueHash(acct(7n, 2n)))));
    verifyStateProof(tree.root, a, acct(5n), proof);
  });

  it('pushes an existing leaf down when a newcomer shares its path, overwriting in place without deletes', async () => {
    const [a, b] = sharedPrefixPair(10, 'push down');
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    await apply(tree, db, [[a, acct(1n)]]);
    const update = await apply(tree, db, [[b, acct(2n)]]);
    expect(update.writes.every((w) => w.type === 'put')).toBe(true);
    const check = await tree.check();
    expect(await dump(db)).toHaveLength(check.leaves + check.innerNodes);
    verifyStateProof(tree.root, a, acct(1n), await tree.prove(accountKey(a)));
    verifyStateProof(tree.root, b, acct(2n), await tree.prove(accountKey(b)));
  });

  it('handles keys that differ only in their last bit: two leaves at depth 256 under 256 inner nodes', async () => {
    const k0 = new Uint8Array(32);
    const k1 = new Uint8Array(32);
    k1[31] = 1;
    const k2 = new Uint8Array(32).fill(0xff);
    const vh = valueHash(acct(1n));
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    const update = await tree.computeUpdate(
      new Map([
        [toHex(k0), vh],
        [toHex(k1), vh],
        [toHex(k2), vh],
      ]),
    );
    await applyWrites(db, update.writes);
    tree.commit(update);
    expect(toHex(tree.root)).toBe(
      toHex(
        referenceRoot([
          [k0, vh],
          [k1, vh],
          [k2, vh],
        ]),
      ),
    );
    expect(await tree.check()).toEqual({ leaves: 3, innerNodes: 256, maxDepth: 256 });
    const proof = await tree.prove(k1);
    expect(proof.siblings).toHaveLength(256);
    let h = leafHash(k1, vh);
    for (let i = 255; i >= 0; i--) {
      const s = (proof.siblings[i] as Uint8Array).length === 0 ? EMPTY_HASH : (proof.siblings[i] as Uint8Array);
      h = sha256(bitAt(k1, i) === 0 ? innerNode(h, s) : innerNode(s, h));
    }
    expect(toHex(h)).toBe(toHex(tree.root));
    expect(toHex(proof.siblings[255] as Uint8Array)).toBe(toHex(leafHash(k0, vh)));
    expect(toHex(proof.siblings[0] as Uint8Array)).toBe(toHex(leafHash(k2, vh)));
    // An absent key beside them ends on the EMPTY side at some depth.
    const k3 = new Uint8Array(32);
    k3[31] = 2;
    const absentProof = await tree.prove(k3);
    expect(absentProof.siblings).toHaveLength(255);
    expect(absentProof.otherKey).toHaveLength(0);
  });

  it('reaches the reference root for 10k accounts whatever the insertion order and batching, with the same stored nodes', async () => {
    const random = new SeededRandom(42);
    const accounts = Array.from(
      { length: 10_000 },
      (_, i) => [testAddress(i, 'ten thousand'), acct(BigInt(1 + random.int(1e9)), BigInt(i % 7))] as const,
    );
    const state = new Map(accounts.map((e) => [toHex(e[0]), e] as const));
    const expected = toHex(reference(state));

    const dumps: string[][] = [];
    for (let run = 0; run < 3; run++) {
      const order = new SeededRandom(run + 1).shuffle([...accounts]);
      const db = memoryStore();
      const tree = await StateTree.open(db, EMPTY_HASH, { cacheSize: run === 2 ? 500 : 200_000 });
      for (let i = 0; i < order.length; ) {
        const size = run === 0 ? order.length : 1 + random.int(run === 1 ? 3000 : 300);
        await apply(tree, db, order.slice(i, i + size));
        i += size;
      }
      expect(toHex(tree.root), `run ${run}`).toBe(expected);
      expect((await tree.check()).leaves).toBe(10_000);
      dumps.push(await dump(db));
    }
    expect(dumps[1]).toEqual(dumps[0]);
    expect(dumps[2]).toEqual(dumps[0]);
  }, 60_000);

  it('follows the reference root through overwrites and inserts mixed in random batches', async () => {
    const random = new SeededRandom(7);
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH, { cacheSize: 64 });
    const state = new Map<string, readonly [Uint8Array, Account]>();
    for (let block = 0; block < 40; block++) {
      const batch = new Map<string, readonly [Uint8Array, Account]>();
      const size = 1 + random.int(60);
      for (let i = 0; i < size; i++) {
        const address = testAddress(random.int(800), 'mixed');
        batch.set(toHex(address), [address, acct(BigInt(random.int(1000)), BigInt(block))]);
      }
      await apply(tree, db, batch.values());
      for (const [k, v] of batch) state.set(k, v);
      expect(toHex(tree.root), `block ${block}`).toBe(toHex(reference(state)));
    }
    const check = await tree.check();
    expect(check.leaves).toBe(state.size);
    expect(await dump(db)).toHaveLength(check.leaves + check.innerNodes);
  });

  it('writes nothing and keeps the root when an account is set to the value it has', async () => {
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    const accounts = Array.from({ length: 50 }, (_, i) => [testAddress(i), acct(BigInt(i + 1))] as const);
    await apply(tree, db, accounts);
    const same = await tree.computeUpdate(changesOf(accounts.slice(10, 20)));
    expect(same.writes).toEqual([]);
    expect(toHex(same.root)).toBe(toHex(tree.root));
  });

  it('reads only the nodes on the changed paths, not the whole tree', async () => {
    const db = memoryStore();
    const writer = await StateTree.open(db, EMPTY_HASH);
    const accounts = Array.from({ length: 5_000 }, (_, i) => [testAddress(i, 'reads'), acct(1n)] as const);
    await apply(writer, db, accounts);
    const tree = await StateTree.open(db, writer.root, { cacheSize: 0 });
    const before = tree.stats.storageReads;
    const update = await tree.computeUpdate(changesOf([[accounts[17]?.[0] as Uint8Array, acct(2n)]]));
    const depth = update.writes.length; // one node per depth on the path, leaf included
    expect(depth).toBeLessThan(40);
    expect(tree.stats.storageReads - before).toBe(depth);
    expect(update.writes.map((w) => w.key.length)).toEqual(
      update.writes.map((w) => 2 + Math.ceil(((w.key[0] as number) * 256 + (w.key[1] as number)) / 8)),
    );
  });

  it('reopens from the store with the same root and proofs', async () => {
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    const accounts = Array.from(
      { length: 300 },
      (_, i) => [testAddress(i, 'reopen'), acct(BigInt(i + 1), 1n)] as const,
    );
    await apply(tree, db, accounts.slice(0, 200));
    await apply(tree, db, accounts.slice(150));
    const reopened = await StateTree.open(db, tree.root, { verify: true });
    expect(toHex(reopened.root)).toBe(toHex(tree.root));
    for (const i of [0, 99, 150, 299]) {
      const key = accountKey((accounts[i] as (typeof accounts)[number])[0]);
      expect(await reopened.prove(key)).toEqual(await tree.prove(key));
    }
    const absent = testAddress(1, 'absent');
    expect(await reopened.prove(accountKey(absent))).toEqual(await tree.prove(accountKey(absent)));
    verifyStateProof(reopened.root, absent, null, await reopened.prove(accountKey(absent)));
    // The reopened tree continues where the first left off.
    const next = changesOf([[absent, acct(9n)]]);
    expect(toHex((await reopened.computeUpdate(next)).root)).toBe(toHex((await tree.computeUpdate(next)).root));
  });

  it('computes two competing updates from one committed root and commits only one of them', async () => {
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    const base = Array.from({ length: 100 }, (_, i) => [testAddress(i, 'compete'), acct(100n)] as const);
    await apply(tree, db, base);
    const committed = tree.root;
    const first = await tree.computeUpdate(changesOf([[testAddress(1, 'compete'), acct(50n)]]));
    const second = await tree.computeUpdate(changesOf([[testAddress(2, 'compete'), acct(60n)]]));
    expect(toHex(first.root)).not.toBe(toHex(second.root));
    expect(toHex(tree.root)).toBe(toHex(committed)); // computing moves nothing

    await applyWrites(db, second.writes);
    tree.commit(second);
    expect(toHex(tree.root)).toBe(toHex(second.root));
    expect(() => tree.commit(first)).toThrow(/no longer committed/);
    expect(() => tree.commit({ root: first.root, writes: first.writes })).toThrow(/not an update computed/);

    const state = new Map(base.map((e) => [toHex(e[0]), e] as const));
    state.set(toHex(testAddress(2, 'compete')), [testAddress(2, 'compete'), acct(60n)]);
    expect(toHex(tree.root)).toBe(toHex(reference(state)));
    expect((await StateTree.open(db, tree.root, { verify: true })).root).toEqual(tree.root);
  });

  it('restarts an update from the new root when a commit lands while it reads the store', async () => {
    const db = memoryStore();
    const seed = await StateTree.open(db, EMPTY_HASH);
    const accounts = Array.from({ length: 200 }, (_, i) => [testAddress(i, 'race'), acct(1n)] as const);
    await apply(seed, db, accounts);

    let release: () => void = () => {};
    let gate: Promise<void> | null = null;
    const slow: TreeReader = {
      async get(key) {
        if (gate !== null) await gate;
        return db.get(key);
      },
    };
    const tree = await StateTree.open(slow, seed.root, { cacheSize: 0 });
    gate = new Promise((resolve) => {
      release = resolve;
    });
    const pending = tree.computeUpdate(changesOf([[testAddress(1, 'race'), acct(2n)]]));
    const gateOf = gate;
    gate = null;
    const winner = await tree.computeUpdate(changesOf([[testAddress(2, 'race'), acct(3n)]]));
    await applyWrites(db, winner.writes);
    tree.commit(winner);
    release();
    await gateOf;
    const late = await pending;
    await applyWrites(db, late.writes);
    tree.commit(late);

    const state = new Map(accounts.map((e) => [toHex(e[0]), e] as const));
    state.set(toHex(testAddress(1, 'race')), [testAddress(1, 'race'), acct(2n)]);
    state.set(toHex(testAddress(2, 'race')), [testAddress(2, 'race'), acct(3n)]);
    expect(toHex(tree.root)).toBe(toHex(reference(state)));
  });

  it('refuses to open on a store that does not hold the committed root', async () => {
    const db = memoryStore();
    const tree = await StateTree.open(db, EMPTY_HASH);
    await apply(tree, db, [[testAddress(1), acct(1n)]]);
    const err = await StateTree.open(db, new Uint8Array(32).fill(7)).catch((e: unknown) => e);
    expectCode(err, 'STATE_CORRUPT');
    const empty = await StateTree.open(memoryStore(), tree.root).catch((e: unknown) => e);
    expectCode(empty, 'STATE_CORRUPT');
  });

  it('fails with STATE_CORRUPT, never a wrong root, when a stored node is lost or altered', async () => {
    const db = memoryStore();
    const writer = await StateTree.open(db, EMPTY_HASH);
    const accounts = Array.from({ length: 64 }, (_, i) => [testAddress(i, 'lost'), acct(1n)] as const);
    const update = await apply(writer, db, accounts);
    const victim = update.writes.find((w) => w.key.length > 3) as { key: Uint8Array; value: Uint8Array };

    const altered = victim.value.slice();
    altered[64] = (altered[64] as number) ^ 1;
    await db.put(victim.key, altered);
    expectCode(await StateTree.open(db, writer.root, { verify: true }).catch((e: unknown) => e), 'STATE_CORRUPT');

    await db.del(victim.key);
    const tree = await StateTree.open(db, writer.root, { cacheSize: 0 });
    const changes = changesOf(accounts.map(([a]) => [a, acct(2n)] as const));
    expectCode(await tree.computeUpdate(changes).catch((e: unknown) => e), 'STATE_CORRUPT');
    expectCode(await tree.check().catch((e: unknown) => e), 'STATE_CORRUPT');
  });

  it('detects on a verifying open a stored tree that hashes right but is not in STATE-10 shape', async () => {
    // An inner root over one leaf and an empty side: consistent hashes, but one account must be its own leaf.
    const db = memoryStore();
    const address = testAddress(3);
    const key = accountKey(address);
    const leaf = leafNode(key, valueHash(acct(1n)));
    const lh = leafHash(key, valueHash(acct(1n)));
    const root = bitAt(key, 0) === 0 ? innerNode(lh, EMPTY_HASH) : innerNode(EMPTY_HASH, lh);
    const childPath = new Uint8Array([0, 1, (key[0] as number) & 0x80]);
    await db.put(new Uint8Array([0, 0]), root);
    await db.put(childPath, leaf);
    expectCode(await StateTree.open(db, sha256(root), { verify: true }).catch((e: unknown) => e), 'STATE_CORRUPT');
  });

  it('rejects malformed changes: a key that is not 64 hex digits, a value hash not of 32 bytes, a key given twice', async () => {
    const tree = await StateTree.open(memoryStore(), EMPTY_HASH);
    const vh = valueHash(acct(1n));
    await expect(tree.computeUpdate(new Map([['abcd', vh]]))).rejects.toThrow(TypeError);
    await expect(tree.computeUpdate(new Map([['zz'.repeat(32), vh]]))).rejects.toThrow();
    await expect(tree.computeUpdate(new Map([['ab'.repeat(32), vh.subarray(1)]]))).rejects.toThrow(TypeError);
    const twice = new Map([
      ['ab'.repeat(32), vh],
      ['AB'.repeat(32), vh],
    ]);
    await expect(tree.computeUpdate(twice)).rejects.toThrow(/twice/);
  });

  it('reads each depth in one getMany call when the reader has it', async () => {
    const db = memoryStore();
    const writer = await StateTree.open(db, EMPTY_HASH);
    const accounts = Array.from({ length: 2_000 }, (_, i) => [testAddress(i, 'many'), acct(1n)] as const);
    await apply(writer, db, accounts);
    let gets = 0;
    let manys = 0;
    const reader: TreeReader = {
      get: (k) => {
        gets++;
        return db.get(k);
      },
      getMany: (ks) => {
        manys++;
        return db.getMany(ks);
      },
    };
    const tree = await StateTree.open(reader, writer.root, { cacheSize: 0 });
    const update = await tree.computeUpdate(changesOf(accounts.slice(0, 500).map(([a]) => [a, acct(2n)] as const)));
    expect(manys).toBeLessThan(40);
    expect(gets).toBeLessThan(40);
    expect(tree.stats.storageReads).toBeGreaterThan(500);
    expect(update.writes.length).toBeGreaterThan(500);
  });
});

import type { Account, StateProof } from '@babychain/codec';
import { BabyError, decode, encode, toHex } from '@babychain/codec';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountKey, EMPTY_HASH } from './hash.ts';
import { verifyStateProof } from './proof.ts';
import { applyWrites, changesOf, memoryStore, testAddress } from './tree.testutil.ts';
import { StateTree } from './tree.ts';

const N = 400;
const accounts = Array.from(
  { length: N },
  (_, i) => [testAddress(i, 'proofs'), { balance: BigInt(1000 + i), nonce: BigInt(i % 3) }] as const,
);
const absent = Array.from({ length: 400 }, (_, i) => testAddress(i, 'proofs absent'));

let tree: StateTree;
let root: Uint8Array;

beforeAll(async () => {
  const db = memoryStore();
  tree = await StateTree.open(db, EMPTY_HASH);
  const update = await tree.computeUpdate(changesOf(accounts));
  await applyWrites(db, update.writes);
  tree.commit(update);
  root = tree.root;
});

interface Claim {
  readonly name: string;
  readonly address: Uint8Array;
  readonly account: Account | null;
  readonly proof: StateProof;
}

function reasonOf(run: () => void): string {
  try {
    run();
  } catch (err) {
    if (err instanceof BabyError && err.code === 'STATE_BAD_PROOF') return String(err.meta['reason']);
    throw err;
  }
  return 'accepted';
}

const flip = (b: Uint8Array, bit = 0): Uint8Array => {
  const out = b.slice();
  out[bit >>> 3] = (out[bit >>> 3] as number) ^ (0x80 >>> (bit & 7));
  return out;
};

/** One valid claim of each kind: inclusion, exclusion by an empty subtree, exclusion by another leaf. */
async function claims(): Promise<Claim[]> {
  const [address, account] = accounts[5] as (typeof accounts)[number];
  const out: Claim[] = [{ name: 'inclusion', address, account, proof: await tree.prove(accountKey(address)) }];
  let empty: Claim | undefined;
  let other: Claim | undefined;
  for (const a of absent) {
    const proof = await tree.prove(accountKey(a));
    if (proof.otherKey.length === 0) empty ??= { name: 'exclusion (empty subtree)', address: a, account: null, proof };
    else other ??= { name: 'exclusion (other leaf)', address: a, account: null, proof };
  }
  if (empty === undefined || other === undefined) throw new Error('test setup: need both kinds of exclusion');
  return [...out, empty, other];
}

describe('verifyStateProof', () => {
  it('accepts the proof of every present account and of every absent address', async () => {
    for (const [address, account] of accounts) {
      verifyStateProof(root, address, account, await tree.prove(accountKey(address)));
    }
    let byEmpty = 0;
    for (const address of absent) {
      const proof = await tree.prove(accountKey(address));
      verifyStateProof(root, address, null, proof);
      if (proof.otherKey.length === 0) byEmpty++;
    }
    expect(byEmpty).toBeGreaterThan(0);
    expect(byEmpty).toBeLessThan(absent.length);
  });

  it('accepts a proof that went through its canonical protobuf encoding', async () => {
    for (const c of await claims()) {
      const bytes = encode('babychain.v0.StateProof', c.proof);
      verifyStateProof(root, c.address, c.account, decode('babychain.v0.StateProof', bytes));
    }
  });

  it('never has more siblings than the depth of the path, and writes EMPTY siblings as empty bytes', async () => {
    for (const c of await claims()) {
      expect(c.proof.siblings.length).toBeLessThanOrEqual(256);
      for (const s of c.proof.siblings) expect([0, 32]).toContain(s.length);
      expect(c.proof.siblings.some((s) => s.length === 32 && s.every((b) => b === 0))).toBe(false);
    }
  });

  it('rejects a proof against a wrong root, or a valid proof for another address', async () => {
    for (const c of await claims()) {
      expect(reasonOf(() => verifyStateProof(flip(root, 255), c.address, c.account, c.proof))).toMatch(/root/);
      expect(reasonOf(() => verifyStateProof(root.subarray(1), c.address, c.account, c.proof))).toMatch(/root/);
      expect(reasonOf(() => verifyStateProof(root, testAddress(9, 'elsewhere'), c.account, c.proof))).toMatch(
        /SHA-256\(address\)/,
      );
    }
  });

  it('rejects an inclusion with another balance or nonce, or claimed as an exclusion', async () => {
    const [c] = await claims();
    if (c === undefined || c.account === null) throw new Error('setup');
    const { balance, nonce } = c.account;
    const run = (account: Account | null) => reasonOf(() => verifyStateProof(root, c.address, account, c.proof));
    expect(run({ balance: balance + 1n, nonce })).toMatch(/root/);
    expect(run({ balance, nonce: nonce + 1n })).toMatch(/root/);
    expect(run({ balance: 1n << 64n, nonce })).toMatch(/encoding/);
    expect(run(null)).toMatch(/root/);
  });

  it('rejects an exclusion claimed for a present account, whatever leaf it names', async () => {
    const [inc, , other] = await claims();
    if (inc === undefined || other === undefined) throw new Error('setup');
    const present = inc.address;
    // The exclusion proof of a neighbouring absent key, replayed for a present account's key.
    const proof = { ...other.proof, key: accountKey(present) };
    expect(reasonOf(() => verifyStateProof(root, present, null, proof))).not.toBe('accepted');
    // The account's own leaf named as "the other key".
    const own = { ...inc.proof, otherKey: accountKey(present), otherValueHash: new Uint8Array(32).fill(1) };
    expect(reasonOf(() => verifyStateProof(root, present, null, own))).toMatch(/equals the key/);
  });

  it('rejects every tampering of the siblings', async () => {
    for (const c of await claims()) {
      const s = c.proof.siblings;
      const run = (siblings: Uint8Array[]) =>
        reasonOf(() => verifyStateProof(root, c.address, c.account, { ...c.proof, siblings }));
      const nonEmpty = s.findIndex((x) => x.length === 32);
      expect(nonEmpty, c.name).toBeGreaterThanOrEqual(0);
      for (let i = 0; i < s.length; i++) {
        const sib = s[i] as Uint8Array;
        const tampered = sib.length === 0 ? flip(new Uint8Array(32), 7) : flip(sib, i % 256);
        expect(run(s.map((x, j) => (j === i ? tampered : x))), `${c.name} sibling ${i}`).not.toBe('accepted');
        expect(run(s.map((x, j) => (j === i ? sib.subarray(0, 31) : x)))).toMatch(/neither empty nor 32/);
        if (sib.length === 32) expect(run(s.map((x, j) => (j === i ? new Uint8Array(0) : x)))).not.toBe('accepted');
      }
      expect(run([...s, new Uint8Array(0)]), `${c.name} extra empty sibling`).not.toBe('accepted');
      expect(run([...s, new Uint8Array(32).fill(3)]), `${c.name} extra sibling`).not.toBe('accepted');
      expect(run([new Uint8Array(0), ...s]), `${c.name} extra sibling at the top`).not.toBe('accepted');
      if (s.length > 0) {
        expect(run(s.slice(0, -1)), `${c.name} missing last sibling`).not.toBe('accepted');
        expect(run(s.slice(1)), `${c.name} missing first sibling`).not.toBe('accepted');
      }
      if (s.some((x) => x.length === 0)) {
        expect(run(s.map((x) => (x.length === 0 ? new Uint8Array(32) : x)))).toMatch(/EMPTY sibling/);
      }
      expect(run(Array.from({ length: 257 }, () => new Uint8Array(0)))).toMatch(/more than 256/);
      expect(run([...s, new Uint8Array(33)])).toMatch(/neither empty nor 32/);
    }
  });

  it('rejects an exclusion whose other leaf is the key itself, off the key path, or altered', async () => {
    const c = (await claims())[2];
    if (c === undefined) throw new Error('setup');
    const depth = c.proof.siblings.length;
    const run = (p: Partial<StateProof>) =>
      reasonOf(() => verifyStateProof(root, c.address, null, { ...c.proof, ...p }));
    expect(run({ otherKey: c.proof.key })).toMatch(/equals the key/);
    if (depth > 0) expect(run({ otherKey: flip(c.proof.otherKey, depth - 1) })).toMatch(/share/);
    expect(run({ otherKey: flip(c.proof.otherKey, 255) })).toMatch(/root/);
    expect(run({ otherValueHash: flip(c.proof.otherValueHash, 3) })).toMatch(/root/);
    expect(run({ otherValueHash: new Uint8Array(0) })).toMatch(/other_value_hash is not 32/);
    expect(run({ otherKey: c.proof.otherKey.subarray(1) })).toMatch(/other_key is not 32/);
    expect(run({ otherKey: new Uint8Array(0) })).toMatch(/other_value_hash without other_key/);
  });

  it('rejects an exclusion by an empty subtree that is not empty, or that names a stray value hash', async () => {
    const c = (await claims())[1];
    if (c === undefined) throw new Error('setup');
    const run = (p: Partial<StateProof>) =>
      reasonOf(() => verifyStateProof(root, c.address, null, { ...c.proof, ...p }));
    expect(run({ otherValueHash: new Uint8Array(32).fill(1) })).toMatch(/without other_key/);
    // Stopping one level higher claims the whole sibling-free subtree is empty.
    expect(run({ siblings: c.proof.siblings.slice(0, -1) })).toMatch(/root/);
  });

  it('rejects other_key on a proof that claims inclusion', async () => {
    const [inc, , other] = await claims();
    if (inc === undefined || other === undefined || inc.account === null) throw new Error('setup');
    const run = (p: Partial<StateProof>) =>
      reasonOf(() => verifyStateProof(root, inc.address, inc.account, { ...inc.proof, ...p }));
    expect(run({ otherKey: other.proof.otherKey, otherValueHash: other.proof.otherValueHash })).toMatch(/carries/);
    expect(run({ otherValueHash: new Uint8Array(32).fill(1) })).toMatch(/carries/);
    // And the other leaf's exclusion proof cannot be turned into an inclusion of the absent address.
    const run2 = reasonOf(() =>
      verifyStateProof(
        root,
        other.address,
        { balance: 1n, nonce: 0n },
        { ...other.proof, otherKey: new Uint8Array(0), otherValueHash: new Uint8Array(0) },
      ),
    );
    expect(run2).toMatch(/root/);
  });

  it('proves the single account of a one-account tree with no siblings, and absence next to it', async () => {
    const db = memoryStore();
    const one = await StateTree.open(db, EMPTY_HASH);
    const [address, account] = accounts[0] as (typeof accounts)[number];
    const update = await one.computeUpdate(changesOf([[address, account]]));
    await applyWrites(db, update.writes);
    one.commit(update);
    const inc = await one.prove(accountKey(address));
    expect(inc.siblings).toEqual([]);
    verifyStateProof(one.root, address, account, inc);
    const exc = await one.prove(accountKey(absent[0] as Uint8Array));
    expect(toHex(exc.otherKey)).toBe(toHex(accountKey(address)));
    verifyStateProof(one.root, absent[0] as Uint8Array, null, exc);
    const altered = { ...exc, otherValueHash: flip(exc.otherValueHash) };
    expect(reasonOf(() => verifyStateProof(one.root, absent[0] as Uint8Array, null, altered))).toMatch(/root/);
  });
});

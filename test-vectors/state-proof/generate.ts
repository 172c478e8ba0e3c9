// Writes test-vectors/state-proof/roots.json (state roots, STATE-8..STATE-10) and proofs.json (STATE-11).
// Expected roots come from referenceRoot, the literal recursive form of STATE-10; proofs come from StateTree and
// must verify against those roots. Each must-reject proof case is a valid one with exactly one defect, named in
// its description. Addresses: address n = the first 20 bytes of SHA-256("babychain state vector address n").
// Run: pnpm exec node test-vectors/state-proof/generate.ts. Never rerun to make a failing test pass: find which
// side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Account, StateProof } from '@babychain/codec';
import { bytesEqual, sha256, toHex } from '@babychain/codec';
// The tree is not on @babychain/state's public surface yet (src/index.ts belongs to the package owner).
import {
  accountKey,
  EMPTY_HASH,
  referenceRoot,
  StateTree,
  type TreeReader,
  valueHash,
  verifyStateProof,
} from '../../packages/state/src/tree/index.ts';

const U64_MAX = (1n << 64n) - 1n;
const text = new TextEncoder();
const address = (n: number): Uint8Array => sha256(text.encode(`babychain state vector address ${n}`)).slice(0, 20);

type Entry = readonly [address: Uint8Array, account: Account];

/** The first two address numbers, from `from` on, whose keys share at least their first `bits` bits. */
function sharedPrefixPair(bits: number, from: number): [number, number] {
  const seen = new Map<number, number>();
  for (let n = from; ; n++) {
    const k = accountKey(address(n));
    const prefix = (((k[0] as number) << 16) | ((k[1] as number) << 8) | (k[2] as number)) >>> (24 - bits);
    const other = seen.get(prefix);
    if (other !== undefined) return [other, n];
    seen.set(prefix, n);
  }
}

function commonBits(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  while (i < 256 && ((a[i >>> 3] as number) & (0x80 >>> (i & 7))) === ((b[i >>> 3] as number) & (0x80 >>> (i & 7)))) {
    i++;
  }
  return i;
}

function rootOf(entries: readonly Entry[]): Uint8Array {
  return referenceRoot(entries.map(([a, acct]) => [accountKey(a), valueHash(acct)] as const));
}

/** A StateTree over a plain Map, holding `entries`; checked to agree with referenceRoot. */
async function treeOf(entries: readonly Entry[]): Promise<StateTree> {
  const store = new Map<string, Uint8Array>();
  const reader: TreeReader = { get: async (k) => store.get(toHex(k)) };
  const tree = await StateTree.open(reader, EMPTY_HASH);
  const update = await tree.computeUpdate(new Map(entries.map(([a, acct]) => [toHex(accountKey(a)), valueHash(acct)])));
  for (const w of update.writes) {
    if (w.type === 'put') store.set(toHex(w.key), w.value);
    else store.delete(toHex(w.key));
  }
  tree.commit(update);
  if (!bytesEqual(tree.root, rootOf(entries))) throw new Error('StateTree and referenceRoot disagree');
  await tree.check();
  return tree;
}

// The account sets.
const acct = (balance: bigint, nonce = 0n): Account => ({ balance, nonce });
const [pa, pb] = sharedPrefixPair(20, 1000);
const pairBits = commonBits(accountKey(address(pa)), accountKey(address(pb)));
const hundred: Entry[] = Array.from({ length: 100 }, (_, i) => {
  if (i === 7) return [address(i), acct(0n, 3n)] as const; // a drained account keeps its nonce (STATE-10)
  if (i === 8) return [address(i), acct(U64_MAX, U64_MAX)] as const;
  return [address(i), acct(BigInt(1_000_000 * (i + 1)), BigInt(i % 5))] as const;
});
const sets = {
  empty: [] as Entry[],
  one: [[address(0), acct(123n)]] as Entry[],
  two: [
    [address(0), acct(123n)],
    [address(1), acct(1_000_000n, 2n)],
  ] as Entry[],
  pair: [
    [address(pa), acct(500n)],
    [address(pb), acct(700n, 1n)],
  ] as Entry[],
  hundred,
};

// roots.json
type RootCase = {
  id: string;
  description: string;
  rule: string;
  input: { accounts: { address: string; balance: string; nonce: string }[] };
  expected: { ok: true; root: string };
};
const rootCases: RootCase[] = [];
function root(id: string, description: string, entries: readonly Entry[], rule = 'STATE-10'): void {
  rootCases.push({
    id: `state-root-${id}`,
    description,
    rule,
    input: {
      accounts: entries.map(([a, acct]) => ({
        address: toHex(a),
        balance: acct.balance.toString(),
        nonce: acct.nonce.toString(),
      })),
    },
    expected: { ok: true, root: toHex(rootOf(entries)) },
  });
}
root('empty', 'no accounts: the root is EMPTY, 32 zero bytes', sets.empty, 'STATE-9');
root('one', 'one account: the root is its leaf hash SHA-256(0x00 || k || SHA-256(value))', sets.one, 'STATE-8');
root('one-zero-balance', 'one account with balance 0 and nonce 3: it stays in the set (value 0x1003)', [
  [address(7), acct(0n, 3n)],
]);
root('one-empty-value', 'one account with balance 0 and nonce 0: its value is the empty encoding', [
  [address(9), acct(0n, 0n)],
]);
root('one-max-values', 'one account with balance and nonce 2^64-1 (ten-byte varints)', [
  [address(8), acct(U64_MAX, U64_MAX)],
]);
root('two', 'two accounts whose keys differ in an early bit', sets.two);
root('two-reversed', 'the same two accounts listed in the other order: the same root', [...sets.two].reverse());
root(
  'shared-prefix-pair',
  `two accounts whose keys share their first ${pairBits} bits: ${pairBits} inner nodes with an EMPTY side above them`,
  sets.pair,
);
root('three-shared-prefix', 'the shared-prefix pair and one more account', [...sets.pair, [address(0), acct(1n)]]);
root('hundred', '100 accounts, among them a zero balance with nonce 3 and one at 2^64-1', sets.hundred);
root('hundred-shuffled', 'the same 100 accounts in another order: the same root', [
  ...sets.hundred.filter((_, i) => i % 2 === 1),
  ...sets.hundred.filter((_, i) => i % 2 === 0).reverse(),
]);

// proofs.json
type ProofJson = { key: string; siblings: string[]; otherKey: string; otherValueHash: string };
type ProofCase = {
  id: string;
  description: string;
  rule: string;
  input: {
    root: string;
    address: string;
    account: { balance: string; nonce: string } | null;
    proof: ProofJson;
  };
  expected: { ok: true } | { ok: false; error: 'STATE_BAD_PROOF' };
};
interface Claim {
  root: Uint8Array;
  address: Uint8Array;
  account: Account | null;
  proof: StateProof;
}
const proofCases: ProofCase[] = [];

function push(id: string, description: string, c: Claim, ok: boolean): void {
  let accepted = true;
  try {
    verifyStateProof(c.root, c.address, c.account, c.proof);
  } catch {
    accepted = false;
  }
  if (accepted !== ok) throw new Error(`${id}: verifyStateProof ${accepted ? 'accepts' : 'rejects'} it`);
  proofCases.push({
    id: `state-proof-${id}`,
    description,
    rule: 'STATE-11',
    input: {
      root: toHex(c.root),
      address: toHex(c.address),
      account: c.account === null ? null : { balance: c.account.balance.toString(), nonce: c.account.nonce.toString() },
      proof: {
        key: toHex(c.proof.key),
        siblings: c.proof.siblings.map(toHex),
        otherKey: toHex(c.proof.otherKey),
        otherValueHash: toHex(c.proof.otherValueHash),
      },
    },
    expected: ok ? { ok: true } : { ok: false, error: 'STATE_BAD_PROOF' },
  });
}
const accept = (id: string, description: string, c: Claim) => push(id, description, c, true);
const reject = (id: string, description: string, c: Claim) => push(id, description, c, false);

const flipBit = (b: Uint8Array, bit: number): Uint8Array => {
  const out = b.slice();
  out[bit >>> 3] = (out[bit >>> 3] as number) ^ (0x80 >>> (bit & 7));
  return out;
};
const withSiblings = (c: Claim, siblings: Uint8Array[]): Claim => ({ ...c, proof: { ...c.proof, siblings } });

async function claim(tree: StateTree, a: Uint8Array, account: Account | null): Promise<Claim> {
  return { root: tree.root, address: a, account, proof: await tree.prove(accountKey(a)) };
}

/** The first absent address (numbers from 10 000 on) whose exclusion proof has the wanted shape. */
async function absentClaim(tree: StateTree, want: (p: StateProof) => boolean): Promise<Claim> {
  for (let n = 10_000; n < 20_000; n++) {
    const c = await claim(tree, address(n), null);
    if (want(c.proof)) return c;
  }
  throw new Error('no absent address with that proof shape');
}

const emptyTree = await treeOf(sets.empty);
const oneTree = await treeOf(sets.one);
const pairTree = await treeOf(sets.pair);
const bigTree = await treeOf(sets.hundred);

const emptyClaim = await claim(emptyTree, address(1), null);
accept('exclusion-empty-tree', 'no accounts: exclusion with no siblings, the path ends at EMPTY, the root', emptyClaim);

const single = await claim(oneTree, address(0), acct(123n));
accept('inclusion-single', 'the only account: its leaf hash is the root, no siblings', single);
const singleOther = await claim(oneTree, address(1), null);
accept(
  'exclusion-single-other-leaf',
  'one-account tree, another address: the one leaf occupies the (zero-bit) path, no siblings',
  singleOther,
);

const twoTree = await treeOf(sets.two);
accept(
  'inclusion-two',
  'two accounts: one sibling, the other leaf',
  await claim(twoTree, address(1), acct(1_000_000n, 2n)),
);
accept(
  'exclusion-two-other-leaf',
  'two accounts, an absent address: its path ends at one of the two leaves',
  await absentClaim(twoTree, (p) => p.otherKey.length > 0),
);

const pairIncl = await claim(pairTree, address(pa), acct(500n));
accept(
  'inclusion-shared-prefix',
  `keys sharing ${pairBits} bits: ${pairBits} EMPTY siblings written as empty bytes, then the other leaf`,
  pairIncl,
);
accept(
  'inclusion-shared-prefix-second',
  'the other account of the shared-prefix pair',
  await claim(pairTree, address(pb), acct(700n, 1n)),
);
const pairEmpty = await absentClaim(pairTree, (p) => p.otherKey.length === 0 && p.siblings.length >= 3);
accept(
  'exclusion-shared-prefix-empty-side',
  'an absent key that follows the shared prefix for a while, then turns to its EMPTY side',
  pairEmpty,
);
const bigProofs = await Promise.all(hundred.map(([a, acct]) => claim(bigTree, a, acct)));
const deepest = bigProofs.reduce((x, y) => (y.proof.siblings.length > x.proof.siblings.length ? y : x));
const shallowest = bigProofs.reduce((x, y) => (y.proof.siblings.length < x.proof.siblings.length ? y : x));
accept('inclusion-deep', `100 accounts: the deepest leaf, ${deepest.proof.siblings.length} siblings`, deepest);
accept(
  'inclusion-shallow',
  `100 accounts: the shallowest leaf, ${shallowest.proof.siblings.length} siblings`,
  shallowest,
);
accept(
  'inclusion-zero-balance',
  '100 accounts: a drained account (balance 0, nonce 3) is still proven present',
  bigProofs[7] as Claim,
);
accept('inclusion-max-values', '100 accounts: balance and nonce 2^64-1', bigProofs[8] as Claim);
const bigEmpty = await absentClaim(bigTree, (p) => p.otherKey.length === 0 && p.siblings.length >= 4);
accept('exclusion-empty-subtree', '100 accounts: an absent key whose path ends at an EMPTY subtree', bigEmpty);
const bigOther = await absentClaim(bigTree, (p) => p.otherKey.length > 0 && p.siblings.length >= 4);
accept('exclusion-other-leaf', '100 accounts: an absent key whose path ends at another account', bigOther);

// Must-reject: one defect each.
const d = deepest;
const ds = d.proof.siblings;
const fullAt = ds.findIndex((s) => s.length === 32);
const emptyAt = pairIncl.proof.siblings.findIndex((s) => s.length === 0);
reject('wrong-root', 'inclusion-deep checked against the root of the one-account tree', { ...d, root: oneTree.root });
reject('root-31-bytes', 'inclusion-deep with the root cut to 31 bytes', { ...d, root: d.root.subarray(0, 31) });
reject('wrong-balance', 'inclusion-deep claiming a balance one higher', {
  ...d,
  account: { balance: (d.account as Account).balance + 1n, nonce: (d.account as Account).nonce },
});
reject('wrong-nonce', 'inclusion-deep claiming a nonce one higher', {
  ...d,
  account: { balance: (d.account as Account).balance, nonce: (d.account as Account).nonce + 1n },
});
reject('other-address', 'inclusion-deep presented for another address (key is not SHA-256(address))', {
  ...d,
  address: address(99_999),
});
reject('address-21-bytes', 'inclusion-deep with one byte appended to the address: addresses are 20 bytes', {
  ...d,
  address: Uint8Array.from([...d.address, 0]),
});
reject(
  'flipped-sibling',
  `inclusion-deep with the last bit of sibling ${fullAt} flipped`,
  withSiblings(
    d,
    ds.map((s, i) => (i === fullAt ? flipBit(s, 255) : s)),
  ),
);
reject(
  'empty-sibling-filled',
  `inclusion-shared-prefix with EMPTY sibling ${emptyAt} replaced by 31 zero bytes and a one`,
  withSiblings(
    pairIncl,
    pairIncl.proof.siblings.map((s, i) => (i === emptyAt ? flipBit(new Uint8Array(32), 255) : s)),
  ),
);
reject(
  'empty-sibling-as-zeros',
  `inclusion-shared-prefix with EMPTY sibling ${emptyAt} written as 32 zero bytes instead of empty bytes`,
  withSiblings(
    pairIncl,
    pairIncl.proof.siblings.map((s, i) => (i === emptyAt ? new Uint8Array(32) : s)),
  ),
);
reject(
  'extra-sibling',
  'inclusion-deep with an extra EMPTY sibling appended',
  withSiblings(d, [...ds, new Uint8Array(0)]),
);
reject('missing-sibling', 'inclusion-deep without its last sibling', withSiblings(d, ds.slice(0, -1)));
reject(
  'sibling-31-bytes',
  `inclusion-deep with sibling ${fullAt} cut to 31 bytes`,
  withSiblings(
    d,
    ds.map((s, i) => (i === fullAt ? s.subarray(0, 31) : s)),
  ),
);
reject(
  'too-many-siblings',
  'exclusion-empty-tree with 257 EMPTY siblings',
  withSiblings(
    emptyClaim,
    Array.from({ length: 257 }, () => new Uint8Array(0)),
  ),
);
reject('exclusion-of-present-account', 'inclusion-deep claimed as an exclusion (account null)', {
  ...d,
  account: null,
});
reject('other-key-equals-key', 'an exclusion naming the proven key itself, with its own leaf, as the other key', {
  ...d,
  account: null,
  proof: {
    ...d.proof,
    otherKey: d.proof.key,
    otherValueHash: valueHash(d.account as Account),
  },
});
const ob = bigOther.proof.siblings.length;
reject(
  'other-key-off-prefix',
  `exclusion-other-leaf with bit ${ob - 1} of other_key flipped, so it no longer shares the first ${ob} bits`,
  { ...bigOther, proof: { ...bigOther.proof, otherKey: flipBit(bigOther.proof.otherKey, ob - 1) } },
);
reject('other-value-hash-altered', 'exclusion-other-leaf with a bit of other_value_hash flipped', {
  ...bigOther,
  proof: { ...bigOther.proof, otherValueHash: flipBit(bigOther.proof.otherValueHash, 0) },
});
reject('other-key-on-inclusion', 'inclusion-single also carrying other_key and other_value_hash of another leaf', {
  ...single,
  proof: { ...single.proof, otherKey: accountKey(address(1)), otherValueHash: valueHash(acct(1n)) },
});
reject('other-value-hash-alone', 'exclusion-empty-subtree with other_value_hash set but no other_key', {
  ...bigEmpty,
  proof: { ...bigEmpty.proof, otherValueHash: sha256(new Uint8Array(0)) },
});

const roots = {
  runner: 'state-root',
  description:
    'State roots (specs/state.md STATE-8 to STATE-10) of account sets; the output root is hex. Addresses: address n = the first 20 bytes of SHA-256("babychain state vector address n").',
  cases: rootCases,
};
const proofs = {
  runner: 'state-proof',
  description:
    'State proofs (specs/state.md STATE-11): verify proof for address and account (null claims absence) against root. Addresses: address n = the first 20 bytes of SHA-256("babychain state vector address n").',
  cases: proofCases,
};
writeFileSync(join(import.meta.dirname, 'roots.json'), `${JSON.stringify(roots, null, 2)}\n`);
writeFileSync(join(import.meta.dirname, 'proofs.json'), `${JSON.stringify(proofs, null, 2)}\n`);
const rejects = proofCases.filter((c) => !c.expected.ok).length;
console.log(
  `wrote ${rootCases.length} state-root cases and ${proofCases.length} state-proof cases (${rejects} must-reject)`,
);

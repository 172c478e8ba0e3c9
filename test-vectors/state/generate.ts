// Writes test-vectors/state/*.json. Expected balances, nonces and state roots come from the small model below
// (STATE-3..STATE-7 as bigint arithmetic, STATE-8..STATE-10 as a literal recursion), not from packages/state, so a
// wrong implementation cannot agree with itself. Must-reject cases name their one defect.
// Run: node test-vectors/state/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleTx, signBody, transferBody } from '@babychain/client';
import type { MultisigKey, TxBody } from '@babychain/codec';
import { encode, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed, sortMultisigKeys } from '@babychain/crypto';
import type { GenesisJson } from '@babychain/state';

const CHAIN = 'babychain-vectors-1';
const PREFIX = 'baby';
const MIN_FEE = 500n;
const U64_MAX = (1n << 64n) - 1n;

// --- keys ----------------------------------------------------------------------------------------------------------
const seedOf = (n: number) => sha256(new TextEncoder().encode(`babychain test vector key ${n}`));
interface Key {
  seed: Uint8Array;
  publicKey: Uint8Array;
  address: Uint8Array;
  text: string;
}
const key = (n: number): Key => {
  const seed = seedOf(n);
  const publicKey = publicKeyFromSeed(seed);
  const address = addressFromPublicKey(publicKey);
  return { seed, publicKey, address, text: encodeAddress(address, PREFIX) };
};
const [alice, bob, carol, dave, val0, val1] = [0, 1, 2, 3, 10, 11].map(key) as [Key, Key, Key, Key, Key, Key];
const fresh = key(40); // never in any genesis

const msMembers = sortMultisigKeys([key(20), key(21), key(22)].map((k) => k.publicKey));
const msSeeds = msMembers.map(
  (pk) => [key(20), key(21), key(22)].find((k) => toHex(k.publicKey) === toHex(pk))?.seed as Uint8Array,
);
const msKey: MultisigKey = { threshold: 2, publicKeys: msMembers };
const msAddress = (() => {
  const t = new Uint8Array(4);
  new DataView(t.buffer).setUint32(0, 2);
  return sha256(Uint8Array.of(1), t, ...msMembers).slice(0, 20); // ADDR-4
})();

const msAddressText = encodeAddress(msAddress, PREFIX);

// --- the model -------------------------------------------------------------------------------------------------------
type Accounts = Map<string, { balance: bigint; nonce: bigint }>;

function accountValueHash(a: { balance: bigint; nonce: bigint }): Uint8Array {
  return sha256(encode('babychain.v0.Account', a));
}

/** STATE-10 literally: recursive split by bit. */
function modelRoot(accounts: Accounts): string {
  const leaves = [...accounts].map(([addrHex, acct]) => ({
    k: sha256(Buffer.from(addrHex, 'hex')),
    v: accountValueHash(acct),
  }));
  const bit = (k: Uint8Array, d: number) => ((k[d >> 3] as number) >> (7 - (d & 7))) & 1;
  const h = (set: typeof leaves, d: number): Uint8Array => {
    if (set.length === 0) return new Uint8Array(32);
    if (set.length === 1)
      return sha256(Uint8Array.of(0), (set[0] as (typeof leaves)[0]).k, (set[0] as (typeof leaves)[0]).v);
    return sha256(
      Uint8Array.of(1),
      h(
        set.filter((l) => bit(l.k, d) === 0),
        d + 1,
      ),
      h(
        set.filter((l) => bit(l.k, d) === 1),
        d + 1,
      ),
    );
  };
  return toHex(h(leaves, 0));
}

interface ModelTx {
  from: Uint8Array;
  to: Uint8Array;
  amount: bigint;
  fee: bigint;
}

function applyModel(accounts: Accounts, blocks: { proposer: Key; txs: ModelTx[] }[]): Accounts {
  const state: Accounts = new Map([...accounts].map(([k, v]) => [k, { ...v }]));
  for (const block of blocks) {
    let fees = 0n;
    for (const tx of block.txs) {
      const from = state.get(toHex(tx.from)) as { balance: bigint; nonce: bigint };
      from.balance -= tx.amount + tx.fee;
      from.nonce += 1n;
      const to = state.get(toHex(tx.to)) ?? { balance: 0n, nonce: 0n };
      to.balance += tx.amount;
      state.set(toHex(tx.to), to);
      fees += tx.fee;
    }
    if (fees > 0n) {
      const p = state.get(toHex(block.proposer.address)) ?? { balance: 0n, nonce: 0n };
      p.balance += fees;
      state.set(toHex(block.proposer.address), p);
    }
  }
  return state;
}

// --- genesis ---------------------------------------------------------------------------------------------------------
const baseBalances: [Uint8Array, bigint][] = [
  [alice.address, 10_000_000n],
  [bob.address, 5_000_000n],
  [carol.address, 1_000n],
  [msAddress, 2_000_000n],
];

function genesis(over: Partial<GenesisJson> = {}, balances = baseBalances): GenesisJson {
  return {
    chainId: CHAIN,
    genesisTimeMs: '1795400000000',
    maturity: 'baby',
    addressPrefix: PREFIX,
    params: { minFee: MIN_FEE.toString(), maxBlockBytes: '1048576', maxBlockTxs: 5000 },
    accounts: balances.map(([a, b]) => ({ address: encodeAddress(a, PREFIX), balance: b.toString() })),
    validators: [
      { name: 'validator-0', publicKey: toHex(val0.publicKey), power: '10' },
      { name: 'validator-1', publicKey: toHex(val1.publicKey), power: '10' },
    ],
    ...over,
  };
}

const genesisAccounts = (balances = baseBalances): Accounts =>
  new Map(balances.map(([a, b]) => [toHex(a), { balance: b, nonce: 0n }]));

// --- transactions ----------------------------------------------------------------------------------------------------
interface TxSpec {
  from?: Key;
  to?: Uint8Array;
  amount?: bigint;
  fee?: bigint;
  nonce?: bigint;
  chainId?: string;
}
function tx(spec: TxSpec): { bytes: Uint8Array; model: ModelTx } {
  const from = spec.from ?? alice;
  const body = transferBody({
    chainId: spec.chainId ?? CHAIN,
    signer: from.publicKey,
    to: spec.to ?? bob.address,
    amount: spec.amount ?? 1_000n,
    fee: spec.fee ?? MIN_FEE,
    nonce: spec.nonce ?? 0n,
  });
  return {
    bytes: assembleTx(body, [signBody(body, from.seed)]),
    model: {
      from: from.address,
      to: (body.action?.case === 'transfer' ? body.action.value.to : undefined) as Uint8Array,
      amount: spec.amount ?? 1_000n,
      fee: spec.fee ?? MIN_FEE,
    },
  };
}
function msTx(
  signers: number[],
  spec: { amount?: bigint; nonce?: bigint; to?: Uint8Array } = {},
): { bytes: Uint8Array; model: ModelTx } {
  const body: TxBody = transferBody({
    chainId: CHAIN,
    signer: msKey,
    to: spec.to ?? dave.address,
    amount: spec.amount ?? 50_000n,
    fee: MIN_FEE,
    nonce: spec.nonce ?? 0n,
  });
  const sigs = signers.map((i) => signBody(body, msSeeds[i] as Uint8Array, i));
  return {
    bytes: assembleTx(body, sigs),
    model: { from: msAddress, to: spec.to ?? dave.address, amount: spec.amount ?? 50_000n, fee: MIN_FEE },
  };
}

// --- cases -----------------------------------------------------------------------------------------------------------
interface Case {
  id: string;
  description: string;
  rule: string;
  input: { genesis: GenesisJson; blocks: { proposer: string; txs: string[] }[] };
  expected: Record<string, unknown>;
}
const cases: Case[] = [];
type Block = { proposer?: Key; txs: { bytes: Uint8Array; model: ModelTx }[] };

function accept(
  id: string,
  description: string,
  rule: string,
  blocks: Block[],
  g = genesis(),
  balances = baseBalances,
): void {
  const model = applyModel(
    genesisAccounts(balances),
    blocks.map((b) => ({ proposer: b.proposer ?? val0, txs: b.txs.map((t) => t.model) })),
  );
  cases.push({
    id: `state-${id}`,
    description,
    rule,
    input: {
      genesis: g,
      blocks: blocks.map((b) => ({ proposer: (b.proposer ?? val0).text, txs: b.txs.map((t) => toHex(t.bytes)) })),
    },
    expected: {
      ok: true,
      appHash: modelRoot(model),
      accounts: [...model]
        .map(([a, v]) => ({
          address: encodeAddress(Buffer.from(a, 'hex'), PREFIX),
          balance: v.balance.toString(),
          nonce: v.nonce.toString(),
        }))
        .sort((x, y) => x.address.localeCompare(y.address)),
    },
  });
}

function reject(id: string, description: string, rule: string, error: string, blocks: Block[], g = genesis()): void {
  cases.push({
    id: `state-reject-${id}`,
    description,
    rule,
    input: {
      genesis: g,
      blocks: blocks.map((b) => ({ proposer: (b.proposer ?? val0).text, txs: b.txs.map((t) => toHex(t.bytes)) })),
    },
    expected: { ok: false, error },
  });
}

// Accepted
accept('genesis-only', 'no blocks: the state root of the genesis accounts (GEN-7)', 'GEN-7', []);
// One release signer (a validator's key serves: any valid key does) and threshold 1.
const signerParams = {
  minDeposit: '10000000',
  babyVotingPeriod: '20',
  grownUpVotingPeriod: '2000',
  babyUpgradeDelay: '5',
  grownUpUpgradeDelay: '200',
  releaseSigners: [toHex(val0.publicKey)],
  releaseThreshold: 1,
};
accept(
  'genesis-with-release-and-signers',
  'a genesis naming its release (GEN-5) and one release signer: the state root is that of its accounts alone',
  'GEN-5',
  [],
  genesis({ releaseVersion: '0.1.0', govParams: signerParams }),
);
accept(
  'genesis-with-operators',
  'validators naming their operators (VAL-1, GEN-4): the operators are not accounts, the root is that of the accounts alone',
  'GEN-4',
  [],
  genesis({
    validators: [
      { name: 'validator-0', publicKey: toHex(val0.publicKey), power: '10', operator: carol.text },
      { name: 'validator-1', publicKey: toHex(val1.publicKey), power: '10', operator: msAddressText },
    ],
  }),
);
accept(
  'genesis-at-app-version-1',
  'a genesis starting at app version 1 (GEN-5): the state root is that of its accounts alone',
  'GEN-5',
  [{ txs: [tx({})] }],
  genesis({ appVersion: 1 }),
);
accept('empty-block', 'an empty block changes nothing: no fees, so the proposer gets no account (STATE-7)', 'STATE-7', [
  { txs: [] },
]);
accept('single-transfer', 'one transfer; the fee goes to the proposer, which gets a new account', 'STATE-6', [
  { txs: [tx({})] },
]);
accept('fee-to-proposer-who-sends', 'the proposer is the sender: it pays the fee and gets it back', 'STATE-7', [
  { proposer: alice, txs: [tx({})] },
]);
accept('fee-to-proposer-who-receives', 'the proposer is the recipient', 'STATE-7', [{ proposer: bob, txs: [tx({})] }]);
accept('two-nonces-one-block', 'nonces 0 and 1 of one sender in one block', 'STATE-3', [
  { txs: [tx({ nonce: 0n }), tx({ nonce: 1n, amount: 7n })] },
]);
accept('two-blocks', 'nonce 0 in block 1, nonce 1 in block 2, different proposers', 'STATE-3', [
  { txs: [tx({ nonce: 0n })] },
  { proposer: val1, txs: [tx({ nonce: 1n })] },
]);
accept('creates-recipient', 'a transfer to an address never seen creates its account', 'STATE-1', [
  { txs: [tx({ to: fresh.address, amount: 1n })] },
]);
accept(
  'exact-balance',
  'carol spends her whole balance (amount + fee = balance): balance 0, nonce 1, account kept',
  'STATE-5',
  [{ txs: [tx({ from: carol, amount: 500n, fee: 500n })] }],
);
accept(
  'zero-balance-then-credited',
  'a drained account keeps its nonce and can receive again in the same block',
  'STATE-10',
  [{ txs: [tx({ from: carol, amount: 500n, fee: 500n }), tx({ to: carol.address, amount: 42n })] }],
);
accept('received-funds-spent-same-block', 'bob spends coins he received earlier in the same block', 'STATE-2', [
  {
    txs: [
      tx({ to: carol.address, from: bob, amount: 4_999_000n, fee: 500n }),
      tx({ from: carol, to: dave.address, amount: 4_999_500n, fee: 500n }),
    ],
  },
]);
accept('fee-exactly-min', 'fee equal to min_fee', 'STATE-4', [{ txs: [tx({ fee: MIN_FEE })] }]);
accept(
  'zero-min-fee-zero-fee',
  'min_fee 0 and a zero fee: no fee credit at all',
  'STATE-4',
  [{ txs: [tx({ fee: 0n })] }],
  genesis({ params: { minFee: '0', maxBlockBytes: '1048576', maxBlockTxs: 5000 } }),
);
accept('multisig-spend', 'the 2-of-3 multisig account pays dave', 'TX-11', [{ txs: [msTx([0, 2])] }]);
accept('multisig-receive-and-spend', 'alice funds the multisig, which then spends twice', 'STATE-3', [
  {
    txs: [
      tx({ to: msAddress, amount: 100_000n }),
      msTx([0, 1], { nonce: 0n }),
      msTx([1, 2], { nonce: 1n, amount: 2_000_000n }),
    ],
  },
]);
{
  const big: [Uint8Array, bigint][] = [
    [alice.address, U64_MAX - 1_000n],
    [bob.address, 1_000n],
  ];
  accept(
    'supply-u64-max',
    'genesis supply exactly 2^64-1; alice moves almost all of it',
    'GEN-3',
    [{ txs: [tx({ amount: U64_MAX - 1_000n - MIN_FEE })] }],
    genesis({}, big),
    big,
  );
}
{
  const many = [alice, bob].flatMap((from) =>
    [0n, 1n, 2n, 3n, 4n].map((nonce) =>
      tx({ from, nonce, to: (from === alice ? dave : carol).address, amount: 10n + nonce }),
    ),
  );
  accept('ten-transfers-two-senders', 'ten transfers interleaved from two senders', 'STATE-2', [{ txs: many }]);
}
accept('three-blocks-rotating-proposers', 'three blocks, fees to three different proposers', 'STATE-7', [
  { proposer: val0, txs: [tx({ nonce: 0n })] },
  { proposer: val1, txs: [tx({ nonce: 1n })] },
  { proposer: dave, txs: [tx({ from: bob, to: alice.address })] },
]);

// Rejected: stateful rules
reject(
  'replay-same-block',
  'the same sender uses nonce 0 twice (different amounts) in one block',
  'STATE-3',
  'TX_BAD_NONCE',
  [{ txs: [tx({ nonce: 0n }), tx({ nonce: 0n, amount: 2n })] }],
);
reject('replay-next-block', 'a tx with nonce 0 again in the next block', 'STATE-3', 'TX_BAD_NONCE', [
  { txs: [tx({ nonce: 0n })] },
  { txs: [tx({ nonce: 0n, amount: 3n })] },
]);
reject('nonce-gap', 'first tx of an account uses nonce 1', 'STATE-3', 'TX_BAD_NONCE', [{ txs: [tx({ nonce: 1n })] }]);
reject('nonce-gap-after-one', 'nonce 0 then nonce 2', 'STATE-3', 'TX_BAD_NONCE', [
  { txs: [tx({ nonce: 0n }), tx({ nonce: 2n })] },
]);
reject(
  'insufficient-by-one',
  'carol (1000) sends 501 with fee 500: short by exactly 1',
  'STATE-5',
  'TX_INSUFFICIENT_FUNDS',
  [{ txs: [tx({ from: carol, amount: 501n, fee: 500n })] }],
);
reject('insufficient-unknown-sender', 'a sender with no account at all', 'STATE-5', 'TX_INSUFFICIENT_FUNDS', [
  { txs: [tx({ from: dave, amount: 1n })] },
]);
reject(
  'insufficient-after-first',
  "carol's second tx exceeds what is left after the first",
  'STATE-5',
  'TX_INSUFFICIENT_FUNDS',
  [{ txs: [tx({ from: carol, amount: 1n, fee: 500n }), tx({ from: carol, nonce: 1n, amount: 1n, fee: 500n })] }],
);
reject('fee-below-min', 'fee one below min_fee', 'STATE-4', 'TX_FEE_TOO_LOW', [{ txs: [tx({ fee: MIN_FEE - 1n })] }]);
reject('fee-zero', 'no fee while min_fee is 500', 'STATE-4', 'TX_FEE_TOO_LOW', [{ txs: [tx({ fee: 0n })] }]);
reject(
  'second-block-invalid',
  'block 1 is fine, block 2 holds a gapped nonce: the run fails at block 2',
  'STATE-2',
  'TX_BAD_NONCE',
  [{ txs: [tx({})] }, { txs: [tx({ nonce: 5n })] }],
);
reject(
  'fee-overflow',
  'amount 2^64-1 with fee 1: amount + fee overflows (TX-10) before any balance check',
  'TX-10',
  'TX_FEE_OVERFLOW',
  [{ txs: [tx({ amount: U64_MAX, fee: 1n })] }],
);
reject('fee-overflow-fee-max', 'amount 1 with fee 2^64-1', 'TX-10', 'TX_FEE_OVERFLOW', [
  { txs: [tx({ amount: 1n, fee: U64_MAX })] },
]);
{
  // u64 overflow of an amount: the varint of the amount edited to encode 2^64 (10th byte 0x02).
  const ok = tx({ amount: U64_MAX, fee: 0n }).bytes;
  const hex = toHex(ok);
  const edited = hex.replace('ffffffffffffffffff01', 'ffffffffffffffffff02');
  if (edited === hex) throw new Error('amount varint not found');
  cases.push({
    id: 'state-reject-amount-above-u64',
    description: 'the amount varint of a signed tx edited to encode 2^64: rejected at decoding (ENC-2)',
    rule: 'ENC-2',
    input: { genesis: genesis(), blocks: [{ proposer: val0.text, txs: [edited] }] },
    expected: { ok: false, error: 'CODEC_VARINT_OVERFLOW' },
  });
}

// Rejected: stateless rules inside blocks
reject('wrong-chain-id', 'a tx signed for another chain', 'TX-5', 'TX_WRONG_CHAIN_ID', [
  { txs: [tx({ chainId: 'babychain-other' })] },
]);
reject('zero-amount', 'a transfer of 0', 'TX-9', 'TX_ZERO_AMOUNT', [{ txs: [tx({ amount: 0n })] }]);
reject('self-transfer', 'alice to alice', 'TX-9', 'TX_SELF_TRANSFER', [{ txs: [tx({ to: alice.address })] }]);
reject('multisig-below-threshold', 'the 2-of-3 multisig signed by one key', 'TX-11', 'TX_BELOW_THRESHOLD', [
  { txs: [msTx([1])] },
]);
{
  const good = msTx([0, 1]);
  const t = msTx([0]);
  // Duplicate signer: the signature of key 0 twice.
  const body = transferBody({
    chainId: CHAIN,
    signer: msKey,
    to: dave.address,
    amount: 50_000n,
    fee: MIN_FEE,
    nonce: 0n,
  });
  const s0 = signBody(body, msSeeds[0] as Uint8Array, 0);
  const dupBytes = encode('babychain.v0.Tx', { body, signatures: [s0, s0] });
  reject('multisig-duplicate-signer', 'key 0 signs twice to reach the threshold', 'TX-11', 'TX_DUPLICATE_SIGNER', [
    { txs: [{ bytes: dupBytes, model: good.model }] },
  ]);
  const unknown = encode('babychain.v0.Tx', {
    body,
    signatures: [s0, { keyIndex: 3, signature: signBody(body, dave.seed, 3).signature }],
  });
  reject(
    'multisig-unknown-signer',
    'a signature naming key 3 of 3 (dave, not a member)',
    'TX-11',
    'TX_UNKNOWN_SIGNER',
    [{ txs: [{ bytes: unknown, model: t.model }] }],
  );
  const outsider = encode('babychain.v0.Tx', {
    body,
    signatures: [s0, { keyIndex: 1, signature: signBody(body, dave.seed, 1).signature }],
  });
  reject('multisig-outsider-signature', "dave's signature placed under key 1", 'TX-12', 'TX_BAD_SIGNATURE', [
    { txs: [{ bytes: outsider, model: t.model }] },
  ]);
}
{
  const good = tx({});
  const bad = Uint8Array.from(good.bytes);
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x40;
  reject('bad-signature', 'the last byte of the signature (in S) altered', 'TX-12', 'TX_BAD_SIGNATURE', [
    { txs: [{ bytes: bad, model: good.model }] },
  ]);
  const big = new Uint8Array(16385);
  big.set(good.bytes);
  reject('oversized-tx', 'a 16385-byte transaction', 'TX-2', 'TX_TOO_LARGE', [
    { txs: [{ bytes: big, model: good.model }] },
  ]);
  reject('trailing-byte', 'a signed tx followed by 0x00', 'ENC-10', 'CODEC_INVALID_TAG', [
    { txs: [{ bytes: Uint8Array.from([...good.bytes, 0]), model: good.model }] },
  ]);
}

// Rejected: block rules
{
  const t = tx({});
  reject('duplicate-tx', 'the same transaction twice in one block', 'BLK-6', 'BLOCK_DUPLICATE_TX', [{ txs: [t, t] }]);
  const limits = (maxBlockTxs: number, maxBlockBytes: string) =>
    genesis({ params: { minFee: MIN_FEE.toString(), maxBlockBytes, maxBlockTxs } });
  reject(
    'too-many-txs',
    'three txs in a block with maxBlockTxs 2',
    'BLK-10',
    'BLOCK_TOO_MANY_TXS',
    [{ txs: [tx({}), tx({ nonce: 1n }), tx({ nonce: 2n })] }],
    limits(2, '1048576'),
  );
  const sizes = [
    tx({}),
    tx({ nonce: 1n }),
    tx({ nonce: 2n }),
    tx({ nonce: 3n }),
    tx({ nonce: 4n }),
    tx({ nonce: 5n }),
    tx({ nonce: 6n }),
  ];
  const total = sizes.reduce((n, t2) => n + t2.bytes.length, 0);
  if (total <= 1024) throw new Error(`need > 1024 bytes of txs, have ${total}`);
  reject(
    'too-large',
    `seven txs of ${total} bytes in all, with maxBlockBytes 1024`,
    'BLK-10',
    'BLOCK_TOO_LARGE',
    [{ txs: sizes }],
    limits(5000, '1024'),
  );
  reject(
    'order-limits-before-duplicates',
    'three txs over maxBlockTxs 2, two of them identical: BLK-10 is checked first (STATE-2)',
    'STATE-2',
    'BLOCK_TOO_MANY_TXS',
    [{ txs: [t, t, tx({ nonce: 1n })] }],
    limits(2, '1048576'),
  );
  reject(
    'order-duplicates-before-txs',
    'a gapped nonce first, then the same tx twice: BLK-6 before the transactions (STATE-2)',
    'STATE-2',
    'BLOCK_DUPLICATE_TX',
    [{ txs: [tx({ nonce: 9n }), t, t] }],
  );
  reject(
    'order-stateless-before-stateful',
    'a tx both signed for another chain and with a gapped nonce: TX-5 before STATE-3',
    'STATE-2',
    'TX_WRONG_CHAIN_ID',
    [{ txs: [tx({ chainId: 'babychain-other', nonce: 9n })] }],
  );
  accept(
    'block-at-tx-limit',
    'exactly maxBlockTxs (2) transactions',
    'BLK-10',
    [{ txs: [tx({}), tx({ nonce: 1n })] }],
    limits(2, '1048576'),
  );
}

// Rejected: genesis (GEN-1..GEN-6), no blocks
const g = genesis();
const badGenesis = (id: string, description: string, rule: string, error: string, over: Partial<GenesisJson>) =>
  reject(`genesis-${id}`, description, rule, error, [], { ...g, ...over });
badGenesis('chain-id-uppercase', 'chain id with an upper-case letter', 'GEN-1', 'GENESIS_BAD_CHAIN_ID', {
  chainId: 'Babychain-1',
});
badGenesis('chain-id-digit-first', 'chain id starting with a digit', 'GEN-1', 'GENESIS_BAD_CHAIN_ID', {
  chainId: '1babychain',
});
badGenesis('chain-id-49', 'chain id of 49 characters', 'GEN-1', 'GENESIS_BAD_CHAIN_ID', {
  chainId: `b${'a'.repeat(48)}`,
});
badGenesis('prefix-digit', 'address prefix with a digit', 'GEN-2', 'GENESIS_BAD_PREFIX', { addressPrefix: 'baby1' });
badGenesis(
  'account-wrong-prefix',
  'an account address with prefix "cosmos" in a "baby" genesis',
  'GEN-2',
  'CRYPTO_WRONG_ADDRESS_PREFIX',
  {
    accounts: [{ address: encodeAddress(alice.address, 'cosmos'), balance: '1' }],
  },
);
badGenesis('account-bad-checksum', 'an account address with a broken checksum', 'GEN-2', 'CRYPTO_BAD_ADDRESS', {
  accounts: [{ address: `${alice.text.slice(0, -1)}${alice.text.endsWith('q') ? 'p' : 'q'}`, balance: '1' }],
});
badGenesis('duplicate-account', 'alice listed twice', 'GEN-3', 'GENESIS_DUPLICATE_ACCOUNT', {
  accounts: [...g.accounts, { address: alice.text, balance: '1' }],
});
badGenesis('zero-balance', 'an account with balance 0', 'GEN-3', 'GENESIS_ZERO_BALANCE', {
  accounts: [{ address: dave.text, balance: '0' }],
});
badGenesis('supply-overflow', 'two balances summing to 2^64', 'GEN-3', 'GENESIS_SUPPLY_OVERFLOW', {
  accounts: [
    { address: alice.text, balance: (1n << 63n).toString() },
    { address: bob.text, balance: (1n << 63n).toString() },
  ],
});
badGenesis('no-validators', 'an empty validator list', 'GEN-4', 'GENESIS_NO_VALIDATORS', { validators: [] });
badGenesis(
  'app-version-string',
  'appVersion written as a string: a JSON number is required',
  'GEN-6',
  'GENESIS_MALFORMED',
  {
    appVersion: '1' as unknown as number,
  },
);
badGenesis(
  'validator-small-order-key',
  'a validator key of small order (the identity point)',
  'GEN-4',
  'GENESIS_BAD_VALIDATOR_KEY',
  {
    validators: [{ name: 'v', publicKey: `01${'00'.repeat(31)}`, power: '1' }],
  },
);
badGenesis('validator-key-31-bytes', 'a 31-byte validator key', 'GEN-4', 'GENESIS_BAD_VALIDATOR_KEY', {
  validators: [{ name: 'v', publicKey: toHex(val0.publicKey.slice(0, 31)), power: '1' }],
});
badGenesis('duplicate-validator', 'validator-0 listed twice', 'GEN-4', 'GENESIS_DUPLICATE_VALIDATOR', {
  validators: [...g.validators, g.validators[0] as GenesisJson['validators'][0]],
});
badGenesis(
  'duplicate-operator',
  'two validators naming the same operator (VAL-1)',
  'GEN-4',
  'GENESIS_DUPLICATE_OPERATOR',
  {
    validators: [
      { name: 'a', publicKey: toHex(val0.publicKey), power: '1', operator: carol.text },
      { name: 'b', publicKey: toHex(val1.publicKey), power: '1', operator: carol.text },
    ],
  },
);
badGenesis(
  'duplicate-operator-by-default',
  "an operator that is another validator's key address, which is that validator's operator by default (VAL-1)",
  'GEN-4',
  'GENESIS_DUPLICATE_OPERATOR',
  {
    validators: [
      { name: 'a', publicKey: toHex(val0.publicKey), power: '1' },
      { name: 'b', publicKey: toHex(val1.publicKey), power: '1', operator: val0.text },
    ],
  },
);
badGenesis(
  'operator-wrong-prefix',
  'an operator address with prefix "cosmos"',
  'GEN-4',
  'CRYPTO_WRONG_ADDRESS_PREFIX',
  {
    validators: [
      { name: 'v', publicKey: toHex(val0.publicKey), power: '1', operator: encodeAddress(carol.address, 'cosmos') },
    ],
  },
);
badGenesis(
  'operator-before-power',
  'a duplicate operator and power 0: the operator is checked first',
  'GEN-6',
  'GENESIS_DUPLICATE_OPERATOR',
  {
    validators: [
      { name: 'a', publicKey: toHex(val0.publicKey), power: '1', operator: carol.text },
      { name: 'b', publicKey: toHex(val1.publicKey), power: '0', operator: carol.text },
    ],
  },
);
badGenesis('zero-power', 'a validator with power 0', 'GEN-4', 'GENESIS_ZERO_POWER', {
  validators: [{ name: 'v', publicKey: toHex(val0.publicKey), power: '0' }],
});
badGenesis(
  'power-overflow',
  'two validators with power 2^59 + 1 each: total above 2^60',
  'GEN-4',
  'GENESIS_POWER_OVERFLOW',
  {
    validators: [
      { name: 'a', publicKey: toHex(val0.publicKey), power: ((1n << 59n) + 1n).toString() },
      { name: 'b', publicKey: toHex(val1.publicKey), power: ((1n << 59n) + 1n).toString() },
    ],
  },
);
badGenesis('max-block-bytes-small', 'maxBlockBytes 1023', 'GEN-5', 'GENESIS_BAD_PARAMS', {
  params: { minFee: '0', maxBlockBytes: '1023', maxBlockTxs: 1 },
});
badGenesis('max-block-bytes-large', 'maxBlockBytes 4194305', 'GEN-5', 'GENESIS_BAD_PARAMS', {
  params: { minFee: '0', maxBlockBytes: '4194305', maxBlockTxs: 1 },
});
badGenesis('max-block-txs-zero', 'maxBlockTxs 0', 'GEN-5', 'GENESIS_BAD_PARAMS', {
  params: { minFee: '0', maxBlockBytes: '1048576', maxBlockTxs: 0 },
});
badGenesis('maturity-unknown', 'maturity "teenager"', 'GEN-5', 'GENESIS_BAD_MATURITY', { maturity: 'teenager' });
badGenesis(
  'release-version-malformed',
  'releaseVersion "1.0": REL-2 needs MAJOR.MINOR.PATCH',
  'GEN-5',
  'GENESIS_BAD_RELEASE_VERSION',
  { releaseVersion: '1.0' },
);
badGenesis(
  'release-signers-without-release-version',
  'a release signer but no releaseVersion: "above the version in force" would mean above ""',
  'GOV-2',
  'GENESIS_BAD_GOV_PARAMS',
  { govParams: signerParams },
);
// RFC 8032 test key 1 (A) and A + T, T the order-8 point c7176a70...037a: whoever holds A's secret signs as both.
const RFC8032_KEY_1 = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC8032_KEY_1_PLUS_T8 = '9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245';
badGenesis(
  'release-signer-mixed-order',
  'release signers A and A + T (T of order 8), threshold 2: one secret would count as two signers',
  'SIG-9',
  'GENESIS_BAD_GOV_PARAMS',
  {
    releaseVersion: '0.1.0',
    govParams: { ...signerParams, releaseSigners: [RFC8032_KEY_1_PLUS_T8, RFC8032_KEY_1], releaseThreshold: 2 },
  },
);
badGenesis(
  'check-order-release-version-before-gov-params',
  'a malformed releaseVersion and release signers: the version is checked before the governance params',
  'GEN-5',
  'GENESIS_BAD_RELEASE_VERSION',
  { govParams: signerParams, releaseVersion: 'v1' },
);
badGenesis(
  'balance-not-a-number',
  'a balance written as a JSON number instead of a decimal string',
  'GEN-6',
  'GENESIS_MALFORMED',
  {
    accounts: [{ address: alice.text, balance: 5 as unknown as string }],
  },
);
badGenesis(
  'check-order-params-before-accounts',
  'bad params and a duplicate account: GEN-5 is checked before GEN-3',
  'GEN-6',
  'GENESIS_BAD_PARAMS',
  {
    params: { minFee: '0', maxBlockBytes: '1', maxBlockTxs: 1 },
    accounts: [...g.accounts, { address: alice.text, balance: '1' }],
  },
);

const file = {
  runner: 'state',
  description: `Genesis, block execution and state roots (specs/state.md, specs/blocks.md BLK-6 and BLK-10). Each case starts from its genesis and applies its blocks in order (txs and proposer only: headers are consensus's); "accounts" lists every account after the last block. Keys: seed n = SHA-256("babychain test vector key n").`,
  cases,
};
writeFileSync(join(import.meta.dirname, 'state-v0.json'), `${JSON.stringify(file, null, 2)}\n`);
console.log(
  `wrote ${cases.length} state cases (${cases.filter((c) => c.expected['ok'] === false).length} must-reject)`,
);

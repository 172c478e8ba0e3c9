// Writes test-vectors/tx/tx-v0.json: transactions built with fixed keys (Ed25519 signing is deterministic), each
// must-reject case made from a valid one by exactly one defect, named in its description.
// Run: node test-vectors/tx/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleTx, signBody, transferBody } from '@babychain/client';
import type { Signature, TxBody } from '@babychain/codec';
import { encode, sha256, toHex, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign, sortMultisigKeys } from '@babychain/crypto';

const CHAIN = 'babychain-vectors-1';
const U64_MAX = (1n << 64n) - 1n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n; // specs/signatures.md

const seed = (n: number) => sha256(new TextEncoder().encode(`babychain test vector key ${n}`));
const keys = Array.from({ length: 20 }, (_, n) => ({ seed: seed(n), publicKey: publicKeyFromSeed(seed(n)) }));
const alice = keys[0] as (typeof keys)[number];
const bob = keys[1] as (typeof keys)[number];
const bobAddress = addressFromPublicKey(bob.publicKey);

type Case = {
  id: string;
  description: string;
  rule: string;
  input: { chainId: string; hex: string };
  expected: Record<string, unknown>;
};
const cases: Case[] = [];

function body(over: Partial<TxBody> = {}, transfer: { to?: Uint8Array; amount?: bigint } = {}): TxBody {
  const b = transferBody({
    chainId: CHAIN,
    signer: alice.publicKey,
    to: transfer.to ?? bobAddress,
    amount: transfer.amount ?? 1_000_000n,
    fee: 500n,
    nonce: 0n,
  });
  return { ...b, ...over };
}

function accept(
  id: string,
  description: string,
  rule: string,
  b: TxBody,
  signatures: Signature[],
  sender: Uint8Array,
): void {
  const bytes = assembleTx(b, signatures);
  cases.push({
    id: `tx-${id}`,
    description,
    rule,
    input: { chainId: CHAIN, hex: toHex(bytes) },
    expected: { ok: true, id: toHex(sha256(bytes)), sender: toHex(sender), signBytes: toHex(txSignBytes(b)) },
  });
}

function reject(
  id: string,
  description: string,
  rule: string,
  bytes: Uint8Array,
  error: string,
  chainId = CHAIN,
): void {
  cases.push({
    id: `tx-reject-${id}`,
    description,
    rule,
    input: { chainId, hex: toHex(bytes) },
    expected: { ok: false, error },
  });
}

const signed = (b: TxBody, seedOf = alice.seed) => assembleTx(b, [signBody(b, seedOf)]);
const aliceAddress = addressFromPublicKey(alice.publicKey);

// --- accepted --------------------------------------------------------------------------------------------------
accept(
  'single-minimal',
  'single-key transfer, nonce 0 and no memo (both absent on the wire)',
  'TX-5',
  body(),
  [signBody(body(), alice.seed)],
  aliceAddress,
);
{
  const b = body({ nonce: 41n, fee: 2500n, memo: 'rent for November' });
  accept(
    'single-memo-fee-nonce',
    'single-key transfer with memo, fee and a non-zero nonce',
    'TX-8',
    b,
    [signBody(b, alice.seed)],
    aliceAddress,
  );
}
{
  const b = body({ fee: 0n }, { amount: U64_MAX });
  accept(
    'amount-u64-max',
    'amount 2^64-1 and no fee: the largest representable transfer',
    'TX-10',
    b,
    [signBody(b, alice.seed)],
    aliceAddress,
  );
}
{
  const b = body({ fee: 1n }, { amount: U64_MAX - 1n });
  accept(
    'amount-plus-fee-exactly-u64-max',
    'amount + fee equals 2^64-1 exactly: no overflow',
    'TX-10',
    b,
    [signBody(b, alice.seed)],
    aliceAddress,
  );
}
{
  const memo = 'é'.repeat(128); // 256 bytes of UTF-8 in 128 characters
  const b = body({ memo });
  accept(
    'memo-256-bytes-multibyte',
    'memo of exactly 256 bytes (128 two-byte characters): bytes are counted, not characters',
    'TX-8',
    b,
    [signBody(b, alice.seed)],
    aliceAddress,
  );
}

const multisig = (members: number[], threshold: number) => {
  const publicKeys = sortMultisigKeys(members.map((m) => (keys[m] as (typeof keys)[number]).publicKey));
  const seedFor = (pk: Uint8Array) =>
    (keys.find((k) => toHex(k.publicKey) === toHex(pk)) as (typeof keys)[number]).seed;
  return { key: { threshold, publicKeys }, seeds: publicKeys.map(seedFor) };
};
const msBody = (ms: ReturnType<typeof multisig>, over: Partial<TxBody> = {}) =>
  ({
    ...transferBody({ chainId: CHAIN, signer: ms.key, to: bobAddress, amount: 7n, fee: 500n, nonce: 3n }),
    ...over,
  }) as TxBody;
const msSign = (ms: ReturnType<typeof multisig>, b: TxBody, indexes: number[]) =>
  indexes.map((i) => signBody(b, ms.seeds[i] as Uint8Array, i));
const msAddress = (ms: ReturnType<typeof multisig>) => {
  // ADDR-4 computed here independently of the crypto package, so a wrong implementation cannot agree with itself.
  const t = new Uint8Array(4);
  new DataView(t.buffer).setUint32(0, ms.key.threshold);
  return sha256(Uint8Array.of(1), t, ...ms.key.publicKeys).slice(0, 20);
};

const ms23 = multisig([2, 3, 4], 2);
{
  const b = msBody(ms23);
  accept(
    'multisig-2-of-3-first-two',
    '2-of-3 multisig signed by keys 0 and 1',
    'TX-11',
    b,
    msSign(ms23, b, [0, 1]),
    msAddress(ms23),
  );
  accept(
    'multisig-2-of-3-last-two',
    '2-of-3 multisig signed by keys 1 and 2 (keyIndex 0 absent)',
    'TX-11',
    b,
    msSign(ms23, b, [1, 2]),
    msAddress(ms23),
  );
  accept(
    'multisig-2-of-3-all-three',
    '2-of-3 multisig signed by all three: extra valid signatures are allowed',
    'TX-11',
    b,
    msSign(ms23, b, [0, 1, 2]),
    msAddress(ms23),
  );
}
{
  const ms = multisig([5], 1);
  const b = msBody(ms);
  accept(
    'multisig-1-of-1',
    '1-of-1 multisig: a different address from the single key (ADDR-4 prefix byte)',
    'TX-11',
    b,
    msSign(ms, b, [0]),
    msAddress(ms),
  );
}
{
  const ms = multisig(
    [...Array(16).keys()].map((i) => i + 2),
    16,
  );
  const b = msBody(ms);
  accept(
    'multisig-16-of-16',
    'the largest multisig key: 16 keys, all signing',
    'ADDR-3',
    b,
    msSign(ms, b, [...Array(16).keys()]),
    msAddress(ms),
  );
}

// --- rejected: encoding and size -------------------------------------------------------------------------------
{
  const ok = signed(body());
  reject(
    'trailing-zero-byte',
    'a valid transaction followed by one 0x00 byte (field number 0)',
    'ENC-10',
    Uint8Array.from([...ok, 0]),
    'CODEC_INVALID_TAG',
  );
  const tooBig = new Uint8Array(16385);
  tooBig.set(ok);
  reject('too-large', '16385 bytes: one byte over the limit, rejected before decoding', 'TX-2', tooBig, 'TX_TOO_LARGE');
  // Field 1 (body) again, as an empty message, after a complete Tx that has no signatures.
  const dup = Uint8Array.from([...encode('babychain.v0.Tx', { body: body(), signatures: [] }), 0x0a, 0x00]);
  reject(
    'body-twice',
    'a Tx of only a body, then the body field (1) again as an empty message',
    'ENC-3',
    dup,
    'CODEC_DUPLICATE_FIELD',
  );
}

// --- rejected: TX-5 to TX-10 -------------------------------------------------------------------------------------
reject(
  'missing-body',
  'a Tx with one signature and no body',
  'TX-5',
  encode('babychain.v0.Tx', { body: undefined, signatures: [signBody(body(), alice.seed)] }),
  'TX_MISSING_BODY',
);
reject(
  'wrong-chain-id',
  'signed for chain "babychain-other"',
  'TX-5',
  signed(body({ chainId: 'babychain-other' })),
  'TX_WRONG_CHAIN_ID',
);
reject(
  'chain-id-case',
  'chain id differs only in case: ids are compared byte for byte',
  'TX-5',
  signed(body({ chainId: CHAIN.toUpperCase() })),
  'TX_WRONG_CHAIN_ID',
);
reject('missing-signer', 'no signer key', 'TX-6', signed(body({ signer: undefined })), 'TX_MISSING_SIGNER');
reject(
  'signer-empty-oneof',
  'a Signer message present but with no key set',
  'TX-6',
  signed(body({ signer: { key: undefined } })),
  'TX_MISSING_SIGNER',
);
reject(
  'signer-key-31-bytes',
  'the single signer key has 31 bytes',
  'TX-6',
  signed(body({ signer: { key: { case: 'ed25519', value: alice.publicKey.slice(0, 31) } } })),
  'TX_BAD_PUBLIC_KEY',
);
{
  const bad = { threshold: 2, publicKeys: [...ms23.key.publicKeys.slice(0, 2), new Uint8Array(33)] };
  reject(
    'multisig-key-33-bytes',
    'the third multisig key has 33 bytes',
    'TX-6',
    signed(body({ signer: { key: { case: 'multisig', value: bad } } })),
    'TX_BAD_PUBLIC_KEY',
  );
  const [k0, k1, k2] = ms23.key.publicKeys as [Uint8Array, Uint8Array, Uint8Array];
  const asMs = (threshold: number, publicKeys: Uint8Array[]) =>
    body({ signer: { key: { case: 'multisig', value: { threshold, publicKeys } } } });
  reject(
    'multisig-unsorted',
    'multisig keys given in descending order',
    'ADDR-3',
    signed(asMs(2, [k2, k1, k0])),
    'CRYPTO_MULTISIG_UNSORTED',
  );
  reject(
    'multisig-duplicate-key',
    'the same key twice in a multisig key',
    'ADDR-3',
    signed(asMs(2, [k0, k0, k1])),
    'CRYPTO_MULTISIG_DUPLICATE_KEY',
  );
  reject(
    'multisig-threshold-zero',
    'threshold 0 (absent on the wire)',
    'ADDR-3',
    signed(asMs(0, [k0, k1, k2])),
    'CRYPTO_MULTISIG_BAD_THRESHOLD',
  );
  reject(
    'multisig-threshold-above-n',
    'threshold 4 of 3 keys',
    'ADDR-3',
    signed(asMs(4, [k0, k1, k2])),
    'CRYPTO_MULTISIG_BAD_THRESHOLD',
  );
  reject(
    'multisig-no-keys',
    'a multisig key with no keys',
    'ADDR-3',
    signed(asMs(1, [])),
    'CRYPTO_MULTISIG_BAD_THRESHOLD',
  );
  const seventeen = sortMultisigKeys(keys.slice(2, 19).map((k) => k.publicKey));
  reject(
    'multisig-17-keys',
    '17 keys: one more than allowed',
    'ADDR-3',
    signed(asMs(2, seventeen)),
    'CRYPTO_MULTISIG_TOO_MANY_KEYS',
  );
}
{
  // RFC 8032 test key 1 (A, secret 9d61b1...) and A + T, T the order-8 point c7176a70...037a. Signed by A alone, the
  // transaction is well formed under SIG-7; SIG-9 refuses the member A + T, which A's secret could also sign as.
  const rfc1Seed = Uint8Array.from(
    Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'),
  );
  const rfc1 = publicKeyFromSeed(rfc1Seed);
  const rfc1PlusT8 = Uint8Array.from(
    Buffer.from('9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245', 'hex'),
  );
  const twin = msBody({ key: { threshold: 1, publicKeys: [rfc1PlusT8, rfc1] }, seeds: [] });
  reject(
    'multisig-member-mixed-order',
    'a 1-of-2 multisig over RFC 8032 key 1 and that key plus a point of order 8, signed by key 1 (keyIndex 1)',
    'SIG-9',
    assembleTx(twin, [signBody(twin, rfc1Seed, 1)]),
    'SIG_MIXED_ORDER_KEY',
  );
}
reject('missing-action', 'a body without a transfer', 'TX-7', signed(body({ action: undefined })), 'TX_MISSING_ACTION');
reject('memo-257-bytes', 'memo of 257 bytes', 'TX-8', signed(body({ memo: 'x'.repeat(257) })), 'TX_MEMO_TOO_LONG');
reject(
  'memo-257-bytes-multibyte',
  'memo of 128 characters but 257 bytes (one three-byte character)',
  'TX-8',
  signed(body({ memo: `€${'é'.repeat(127)}` })),
  'TX_MEMO_TOO_LONG',
);
reject(
  'recipient-19-bytes',
  'recipient address of 19 bytes',
  'TX-9',
  signed(body({}, { to: bobAddress.slice(0, 19) })),
  'TX_BAD_RECIPIENT',
);
reject(
  'recipient-absent',
  'transfer without a recipient (empty bytes are absent)',
  'TX-9',
  signed(body({}, { to: new Uint8Array(0) })),
  'TX_BAD_RECIPIENT',
);
reject('zero-amount', 'amount 0', 'TX-9', signed(body({}, { amount: 0n })), 'TX_ZERO_AMOUNT');
reject(
  'self-transfer',
  "transfer to the sender's own address",
  'TX-9',
  signed(body({}, { to: aliceAddress })),
  'TX_SELF_TRANSFER',
);
reject(
  'fee-overflow',
  'amount 2^64-1 plus fee 1 overflows 64 bits',
  'TX-10',
  signed(body({ fee: 1n }, { amount: U64_MAX })),
  'TX_FEE_OVERFLOW',
);
reject(
  'fee-overflow-both-large',
  'amount 2^63 plus fee 2^63',
  'TX-10',
  signed(body({ fee: 1n << 63n }, { amount: 1n << 63n })),
  'TX_FEE_OVERFLOW',
);

// --- rejected: TX-11 and TX-12 -------------------------------------------------------------------------------------
{
  const b = body();
  const sig = signBody(b, alice.seed);
  reject(
    'no-signature',
    'a single-key transfer with no signature',
    'TX-11',
    encode('babychain.v0.Tx', { body: b, signatures: [] }),
    'TX_SIGNATURE_COUNT',
  );
  reject(
    'two-signatures-single-key',
    'a single-key transfer carrying its signature twice',
    'TX-11',
    encode('babychain.v0.Tx', { body: b, signatures: [sig, sig] }),
    'TX_SIGNATURE_COUNT',
  );
  reject(
    'single-key-index-1',
    'a single-key signature with keyIndex 1',
    'TX-11',
    encode('babychain.v0.Tx', { body: b, signatures: [{ ...sig, keyIndex: 1 }] }),
    'TX_SIGNATURE_COUNT',
  );
  const flipped = Uint8Array.from(sig.signature);
  flipped[10] = (flipped[10] as number) ^ 1;
  reject(
    'signature-bit-flip',
    'one bit of R flipped',
    'TX-12',
    encode('babychain.v0.Tx', { body: b, signatures: [{ ...sig, signature: flipped }] }),
    'TX_BAD_SIGNATURE',
  );
  reject(
    'signed-by-other-key',
    "signed with bob's key but naming alice as signer",
    'TX-12',
    signed(b, bob.seed),
    'TX_BAD_SIGNATURE',
  );
  const rawBodySig = sign(alice.seed, encode('babychain.v0.TxBody', b));
  reject(
    'signed-body-not-signdoc',
    'signature over the TxBody bytes instead of the SignDoc (no domain)',
    'TX-3',
    encode('babychain.v0.Tx', { body: b, signatures: [{ keyIndex: 0, signature: rawBodySig }] }),
    'TX_BAD_SIGNATURE',
  );
  const s = BigInt(`0x${toHex(sig.signature.slice(32).reverse())}`) + L;
  const sPlusL = Uint8Array.from(sig.signature);
  sPlusL.set(Uint8Array.from(Buffer.from(s.toString(16).padStart(64, '0'), 'hex')).reverse(), 32);
  reject(
    'signature-s-plus-l',
    'a valid signature with L added to S: same point equation, non-canonical S (malleability)',
    'SIG-4',
    encode('babychain.v0.Tx', { body: b, signatures: [{ ...sig, signature: sPlusL }] }),
    'TX_BAD_SIGNATURE',
  );
  reject(
    'signature-63-bytes',
    'signature truncated to 63 bytes',
    'SIG-3',
    encode('babychain.v0.Tx', { body: b, signatures: [{ ...sig, signature: sig.signature.slice(0, 63) }] }),
    'TX_BAD_SIGNATURE',
  );
}
{
  const b = msBody(ms23);
  const sigs = msSign(ms23, b, [0, 1, 2]);
  const [s0, s1, s2] = sigs as [Signature, Signature, Signature];
  const tx = (signatures: Signature[]) => encode('babychain.v0.Tx', { body: b, signatures });
  reject('multisig-below-threshold', '2-of-3 multisig with one signature', 'TX-11', tx([s1]), 'TX_BELOW_THRESHOLD');
  reject(
    'multisig-duplicate-signer',
    '2-of-3 multisig where key 1 signs twice',
    'TX-11',
    tx([s1, s1]),
    'TX_DUPLICATE_SIGNER',
  );
  reject(
    'multisig-unknown-signer',
    'a signature naming keyIndex 3 of a 3-key multisig',
    'TX-11',
    tx([s0, { ...s2, keyIndex: 3 }]),
    'TX_UNKNOWN_SIGNER',
  );
  reject(
    'multisig-unsorted-signatures',
    'signatures for keys 1 then 0',
    'TX-11',
    tx([s1, s0]),
    'TX_SIGNATURES_UNSORTED',
  );
  reject(
    'multisig-signature-under-wrong-index',
    "key 2's signature labelled as key 1",
    'TX-12',
    tx([s0, { ...s2, keyIndex: 1 }]),
    'TX_BAD_SIGNATURE',
  );
  reject(
    'multisig-extra-bad-signature',
    'threshold met by keys 0 and 1, but the extra signature of key 2 is over another body',
    'TX-12',
    tx([s0, s1, signBody(msBody(ms23, { nonce: 4n }), ms23.seeds[2] as Uint8Array, 2)]),
    'TX_BAD_SIGNATURE',
  );
}

// --- rejected: two defects at once; the spec's check order (TX-5..TX-12) decides the code --------------------------
reject(
  'order-chain-before-signer',
  'wrong chain id and no signer: TX-5 comes before TX-6',
  'TX-5',
  signed(body({ chainId: 'babychain-other', signer: undefined })),
  'TX_WRONG_CHAIN_ID',
);
reject(
  'order-signer-before-action',
  'no signer and no action: TX-6 before TX-7',
  'TX-6',
  signed(body({ signer: undefined, action: undefined })),
  'TX_MISSING_SIGNER',
);
reject(
  'order-action-before-memo',
  'no action and a 257-byte memo: TX-7 before TX-8',
  'TX-7',
  signed(body({ action: undefined, memo: 'x'.repeat(257) })),
  'TX_MISSING_ACTION',
);
reject(
  'order-memo-before-transfer',
  'a 257-byte memo and a zero amount: TX-8 before TX-9',
  'TX-8',
  signed(body({ memo: 'x'.repeat(257) }, { amount: 0n })),
  'TX_MEMO_TOO_LONG',
);
reject(
  'order-recipient-before-overflow',
  'a 19-byte recipient and amount + fee overflowing: TX-9 before TX-10',
  'TX-9',
  signed(body({ fee: 1n }, { to: bobAddress.slice(0, 19), amount: U64_MAX })),
  'TX_BAD_RECIPIENT',
);
{
  const [k0, k1] = ms23.key.publicKeys as [Uint8Array, Uint8Array];
  const bad = body({
    signer: { key: { case: 'multisig', value: { threshold: 2, publicKeys: [k1, k0, new Uint8Array(33)] } } },
  });
  reject(
    'order-key-length-before-sorting',
    'a multisig key both unsorted and holding a 33-byte key: lengths are checked first (TX-6)',
    'TX-6',
    signed(bad),
    'TX_BAD_PUBLIC_KEY',
  );
  const b = msBody(ms23);
  const [s0, s1] = msSign(ms23, b, [0, 1]) as [Signature, Signature];
  const broken = Uint8Array.from(s1.signature);
  broken[0] = (broken[0] as number) ^ 1;
  reject(
    'order-shape-before-verification',
    'signatures for keys 1 then 0, and the first is also invalid: TX-11 shape before TX-12 verification',
    'TX-11',
    encode('babychain.v0.Tx', { body: b, signatures: [{ ...s1, signature: broken }, s0] }),
    'TX_SIGNATURES_UNSORTED',
  );
  reject(
    'order-first-bad-signature-reported',
    'keys 0 and 1 both sign another body: the first failing signature (key 0) is reported',
    'TX-12',
    encode('babychain.v0.Tx', { body: b, signatures: msSign(ms23, msBody(ms23, { nonce: 9n }), [0, 1]) }),
    'TX_BAD_SIGNATURE',
  );
}

// TX-12: which signature failed and why, for every TX_BAD_SIGNATURE case.
const badSignatureMeta: Record<string, { keyIndex: number; reason: string }> = {
  'signature-bit-flip': { keyIndex: 0, reason: 'SIG_MISMATCH' },
  'signed-by-other-key': { keyIndex: 0, reason: 'SIG_MISMATCH' },
  'signed-body-not-signdoc': { keyIndex: 0, reason: 'SIG_MISMATCH' },
  'signature-s-plus-l': { keyIndex: 0, reason: 'SIG_NON_CANONICAL_S' },
  'signature-63-bytes': { keyIndex: 0, reason: 'SIG_BAD_LENGTH' },
  'multisig-signature-under-wrong-index': { keyIndex: 1, reason: 'SIG_MISMATCH' },
  'multisig-extra-bad-signature': { keyIndex: 2, reason: 'SIG_MISMATCH' },
  'order-first-bad-signature-reported': { keyIndex: 0, reason: 'SIG_MISMATCH' },
};
for (const c of cases) {
  if (c.expected['error'] !== 'TX_BAD_SIGNATURE') continue;
  const meta = badSignatureMeta[c.id.replace('tx-reject-', '')];
  if (meta === undefined) throw new Error(`${c.id}: say which signature fails and why`);
  c.expected['meta'] = meta;
}

const file = {
  runner: 'tx',
  description: `Transaction decoding and stateless validation (specs/transactions.md TX-1 to TX-12) on chain "${CHAIN}". Keys: seed n = SHA-256("babychain test vector key n").`,
  cases,
};
writeFileSync(join(import.meta.dirname, 'tx-v0.json'), `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${cases.length} tx cases (${cases.filter((c) => c.expected['ok'] === false).length} must-reject)`);

// Writes test-vectors/codec/*.json. Valid cases are canonical encodings of values built here; every must-reject
// case is one deliberate byte edit of a valid encoding, named in its description, with the expected code written
// by hand from specs/encoding.md (the script only confirms that this implementation agrees before writing).
// Run: node test-vectors/codec/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageName, MessageTypes } from '@babychain/codec';
import { decode, encode, fromHex, fromJson, isBabyError, toHex, toJson } from '@babychain/codec';

interface Case {
  id: string;
  description: string;
  rule: string;
  input: { type: MessageName; hex: string; maxBytes?: number };
  expected: { ok: true; json: unknown } | { ok: false; error: string };
}

interface VectorFile {
  file: string;
  description: string;
  cases: Case[];
}

const fill = (n: number, byte: number) => new Uint8Array(n).fill(byte);
const utf8 = (s: string) => toHex(new TextEncoder().encode(s));

// Realistic sizes: 20-byte addresses, 32-byte keys and hashes, 64-byte signatures.
const ADDR = fill(20, 0x11);
const KEY_A = fill(32, 0xa1);
const KEY_B = fill(32, 0xb2);
const KEY_C = fill(32, 0xc3);
const SIG_1 = fill(64, 0x51);
const SIG_2 = fill(64, 0x52);
const HASH = (b: number) => fill(32, b);

const transfer: MessageTypes['babychain.v0.Transfer'] = { to: ADDR, amount: 1n };
const body: MessageTypes['babychain.v0.TxBody'] = {
  chainId: 'baby-1',
  signer: { key: { case: 'ed25519', value: KEY_A } },
  nonce: 7n,
  fee: 500n,
  memo: 'hi',
  action: { case: 'transfer', value: { to: ADDR, amount: 1_000_000n } },
};
const header: MessageTypes['babychain.v0.Header'] = {
  version: 1,
  chainId: 'baby-1',
  height: 2n,
  timeMs: 1_700_000_000_000n,
  lastBlockHash: HASH(0x01),
  lastCommitHash: HASH(0x02),
  txRoot: HASH(0x03),
  validatorsHash: HASH(0x04),
  nextValidatorsHash: HASH(0x05),
  appHash: HASH(0x06),
  proposerAddress: ADDR,
  evidenceHash: new Uint8Array(0),
};
const commit: MessageTypes['babychain.v0.Commit'] = {
  height: 1n,
  round: 0,
  blockHash: HASH(0x07),
  signatures: [
    { validatorIndex: 0, timeMs: 1_699_999_999_000n, signature: SIG_1 },
    { validatorIndex: 2, timeMs: 1_699_999_999_500n, signature: SIG_2 },
  ],
};

const hexOf = <N extends MessageName>(type: N, value: MessageTypes[N]) => toHex(encode(type, value));

function valid<N extends MessageName>(id: string, rule: string, description: string, type: N, value: MessageTypes[N]) {
  const hex = hexOf(type, value);
  return {
    id: `codec-${id}`,
    description,
    rule,
    input: { type, hex },
    expected: { ok: true as const, json: toJson(type, value) },
  };
}

function reject(id: string, rule: string, description: string, type: MessageName, hex: string, error: string): Case {
  return { id: `codec-reject-${id}`, description, rule, input: { type, hex }, expected: { ok: false, error } };
}

/** Replaces the one occurrence of byte string `from` (hex) in `base` (hex) with `to`; fails if not exactly one. */
function edit(base: string, from: string, to: string): string {
  const hits: number[] = [];
  for (let i = base.indexOf(from); i !== -1; i = base.indexOf(from, i + 1)) if (i % 2 === 0) hits.push(i);
  if (hits.length !== 1) throw new Error(`"${from}" occurs ${hits.length} times (byte-aligned) in ${base}`);
  const at = hits[0] as number;
  return base.slice(0, at) + to + base.slice(at + from.length);
}

const T = {
  transfer: 'babychain.v0.Transfer',
  signature: 'babychain.v0.Signature',
  signer: 'babychain.v0.Signer',
  multisig: 'babychain.v0.MultisigKey',
  body: 'babychain.v0.TxBody',
  tx: 'babychain.v0.Tx',
  signDoc: 'babychain.v0.SignDoc',
  header: 'babychain.v0.Header',
  commitSig: 'babychain.v0.CommitSig',
  commit: 'babychain.v0.Commit',
  block: 'babychain.v0.Block',
} as const;

// Bases for the edits, spelled out so a reader can follow each edit by eye.
const TRANSFER = hexOf(T.transfer, transfer); // 0a14 <20 x 11> 1001
const TO = toHex(ADDR);
const MEMO = (s: string) => hexOf(T.signDoc, { domain: s });

const messages: Case[] = [
  valid(
    'transfer-minimal',
    'ENC-1',
    'a Transfer: 20-byte address (field 1) then amount 1 (field 2)',
    T.transfer,
    transfer,
  ),
  valid('transfer-multibyte-amount', 'ENC-2', 'amount 300 is the two-byte varint ac02', T.transfer, {
    to: ADDR,
    amount: 300n,
  }),
  valid('transfer-amount-127', 'ENC-2', 'amount 127, the largest one-byte varint: 7f', T.transfer, {
    to: ADDR,
    amount: 127n,
  }),
  valid('transfer-amount-128', 'ENC-2', 'amount 128, the smallest two-byte varint: 8001', T.transfer, {
    to: ADDR,
    amount: 128n,
  }),
  valid('transfer-amount-16384', 'ENC-2', 'amount 16384, the smallest three-byte varint: 808001', T.transfer, {
    to: ADDR,
    amount: 16384n,
  }),
  valid(
    'transfer-amount-2-pow-53-plus-1',
    'ENC-2',
    'amount 2^53+1, not representable as a double: must stay exact',
    T.transfer,
    {
      to: ADDR,
      amount: 2n ** 53n + 1n,
    },
  ),
  valid('transfer-amount-2-pow-63', 'ENC-2', 'amount 2^63 is a 10-byte varint ending in 01', T.transfer, {
    to: ADDR,
    amount: 2n ** 63n,
  }),
  valid(
    'transfer-max-amount',
    'ENC-2',
    'amount 18446744073709551615 (2^64-1), the largest uint64: ten bytes ff..ff01',
    T.transfer,
    {
      to: ADDR,
      amount: 18446744073709551615n,
    },
  ),
  valid(
    'transfer-empty',
    'ENC-5',
    'the empty encoding is a valid Transfer with every field at its default',
    T.transfer,
    {
      to: new Uint8Array(0),
      amount: 0n,
    },
  ),
  valid('signature-max-key-index', 'ENC-2', 'key_index 4294967295 (2^32-1), the largest uint32', T.signature, {
    keyIndex: 0xffffffff,
    signature: SIG_1,
  }),
  valid(
    'signature-key-index-absent',
    'ENC-5',
    'key_index 0 is left off the wire; only the signature is encoded',
    T.signature,
    {
      keyIndex: 0,
      signature: SIG_1,
    },
  ),
  valid('signer-ed25519', 'ENC-7', 'a Signer whose oneof key holds a 32-byte ed25519 key', T.signer, {
    key: { case: 'ed25519', value: KEY_A },
  }),
  valid('signer-multisig', 'ENC-7', 'a Signer holding a 2-of-3 multisig key (repeated bytes)', T.signer, {
    key: { case: 'multisig', value: { threshold: 2, publicKeys: [KEY_A, KEY_B, KEY_C] } },
  }),
  valid('signer-multisig-empty', 'ENC-5', 'a oneof message member is present even when empty: 1200', T.signer, {
    key: { case: 'multisig', value: { threshold: 0, publicKeys: [] } },
  }),
  valid('signer-empty', 'ENC-7', 'no oneof member: the empty encoding, oneof null', T.signer, {}),
  valid(
    'multisig-empty-key-element',
    'ENC-5',
    'an empty element of repeated bytes is encoded (1200), it is not a default',
    T.multisig,
    {
      threshold: 1,
      publicKeys: [new Uint8Array(0), KEY_A],
    },
  ),
  valid(
    'txbody-full',
    'ENC-3',
    'every TxBody field; the oneof member transfer (field 16) has the two-byte tag 8201',
    T.body,
    body,
  ),
  valid('tx-transfer', 'ENC-3', 'a signed single-key transfer: body then one signature', T.tx, {
    body,
    signatures: [{ keyIndex: 0, signature: SIG_1 }],
  }),
  valid('tx-empty-body', 'ENC-5', 'an embedded message has presence: an empty body is encoded as 0a00', T.tx, {
    body: { chainId: '', nonce: 0n, fee: 0n, memo: '' },
    signatures: [],
  }),
  valid(
    'tx-multisig-two-signatures',
    'ENC-3',
    'consecutive repeated Signature elements, the first with key_index 0 (absent)',
    T.tx,
    {
      body: { ...body, signer: { key: { case: 'multisig', value: { threshold: 2, publicKeys: [KEY_A, KEY_B] } } } },
      signatures: [
        { keyIndex: 0, signature: SIG_1 },
        { keyIndex: 1, signature: SIG_2 },
      ],
    },
  ),
  valid(
    'txbody-no-action',
    'ENC-7',
    'a TxBody without an action: the oneof is null (TX-7 rejects it later, the codec does not)',
    T.body,
    {
      ...body,
      action: undefined,
    },
  ),
  valid(
    'tx-no-signatures',
    'ENC-5',
    'a Tx with a body and an empty signature list (nothing encoded for the list)',
    T.tx,
    { body, signatures: [] },
  ),
  valid('signdoc', 'ENC-1', 'the sign document of TX-3: domain then body', T.signDoc, {
    domain: 'babychain/tx/v0',
    body,
  }),
  valid('memo-utf8-multibyte', 'ENC-8', 'two-, three- and four-byte UTF-8 sequences and a NUL are kept as is', T.body, {
    chainId: 'baby-1',
    nonce: 0n,
    fee: 0n,
    memo: 'é€😀\u0000end',
  }),
  valid('memo-leading-bom', 'ENC-8', 'a leading U+FEFF (efbbbf) is content, not stripped', T.body, {
    chainId: '',
    nonce: 0n,
    fee: 0n,
    memo: '\uFEFFhi',
  }),
  valid('header-full', 'ENC-1', 'a Header with all eleven fields set', T.header, header),
  valid(
    'header-height-1',
    'ENC-5',
    'the first block: no last block hash nor last commit hash, version 0 absent',
    T.header,
    {
      ...header,
      version: 0,
      height: 1n,
      lastBlockHash: new Uint8Array(0),
      lastCommitHash: new Uint8Array(0),
    },
  ),
  valid('commitsig', 'ENC-1', 'one precommit signature', T.commitSig, {
    validatorIndex: 3,
    timeMs: 1_699_999_999_000n,
    signature: SIG_1,
  }),
  valid('commit', 'ENC-3', 'a Commit with two signatures; round 0 and validator index 0 absent', T.commit, commit),
  valid('block', 'ENC-3', 'a Block: header, two txs (repeated bytes), last commit', T.block, {
    header,
    txs: [encode(T.tx, { body, signatures: [{ keyIndex: 0, signature: SIG_1 }] }), fromHex('00')],
    lastCommit: commit,
    evidence: [],
  }),
  valid(
    'block-empty-tx-element',
    'ENC-5',
    'an empty element of Block.txs is encoded (1200); only the tx rules refuse it',
    T.block,
    {
      txs: [new Uint8Array(0)],
      evidence: [],
    },
  ),
  valid('header-max-values', 'ENC-2', 'version 2^32-1 and height and time 2^64-1', T.header, {
    ...header,
    version: 0xffffffff,
    height: 18446744073709551615n,
    timeMs: 18446744073709551615n,
  }),
  valid(
    'block-with-evidence',
    'BLK-11',
    'a Block carrying one DuplicateVoteEvidence (field 4), its header naming an evidence_hash (field 12)',
    T.block,
    {
      header: { ...header, evidenceHash: HASH(0x07) },
      txs: [],
      lastCommit: commit,
      evidence: [
        {
          voteA: {
            type: 1,
            height: 1n,
            round: 0,
            blockHash: new Uint8Array(0),
            timeMs: 5n,
            validatorIndex: 3,
            signature: SIG_1,
          },
          voteB: {
            type: 1,
            height: 1n,
            round: 0,
            blockHash: HASH(0x08),
            timeMs: 6n,
            validatorIndex: 3,
            signature: SIG_1,
          },
        },
      ],
    },
  ),
  valid('block-first', 'ENC-5', 'the first block: an empty tx list and no last commit', T.block, {
    header: { ...header, height: 1n, lastBlockHash: new Uint8Array(0), lastCommitHash: new Uint8Array(0) },
    txs: [],
    evidence: [],
  }),
];

const varints: Case[] = [
  reject(
    'non-minimal-varint',
    'ENC-2',
    `Transfer amount 1: its varint 01 widened to 8100 (${TRANSFER} with 1001 -> 108100)`,
    T.transfer,
    edit(TRANSFER, '1001', '108100'),
    'CODEC_NON_MINIMAL_VARINT',
  ),
  reject(
    'non-minimal-varint-10-bytes',
    'ENC-2',
    'amount 2^56 (nine bytes 8080808080808080 01) padded to ten: its last byte 01 -> 81 00',
    T.transfer,
    edit(hexOf(T.transfer, { to: ADDR, amount: 2n ** 56n }), '10808080808080808001', '1080808080808080808100'),
    'CODEC_NON_MINIMAL_VARINT',
  ),
  reject(
    'non-minimal-tag',
    'ENC-2',
    'the tag of field 1 (0a) written as 8a00',
    T.transfer,
    edit(TRANSFER, `0a14${TO}`, `8a0014${TO}`),
    'CODEC_NON_MINIMAL_VARINT',
  ),
  reject(
    'non-minimal-length',
    'ENC-2',
    'the length 20 of field 1 (14) written as 9400',
    T.transfer,
    edit(TRANSFER, `0a14${TO}`, `0a9400${TO}`),
    'CODEC_NON_MINIMAL_VARINT',
  ),
  reject(
    'non-minimal-uint32',
    'ENC-2',
    'Signature key_index 5 (0805) written as 088580808000: five bytes ending in 00',
    T.signature,
    edit(hexOf(T.signature, { keyIndex: 5, signature: SIG_1 }), '0805', '088580808000'),
    'CODEC_NON_MINIMAL_VARINT',
  ),
  reject(
    'varint-10th-byte-2',
    'ENC-2',
    'amount 2^64-1 (ffffffffffffffffff01) with its 10th byte 01 changed to 02: 65 bits',
    T.transfer,
    edit(
      hexOf(T.transfer, { to: ADDR, amount: 18446744073709551615n }),
      'ffffffffffffffffff01',
      'ffffffffffffffffff02',
    ),
    'CODEC_VARINT_OVERFLOW',
  ),
  reject(
    'varint-11-bytes',
    'ENC-2',
    'amount 2^64-1 with its 10th byte 01 changed to 81 and a byte 01 appended: an 11-byte varint',
    T.transfer,
    edit(
      hexOf(T.transfer, { to: ADDR, amount: 18446744073709551615n }),
      'ffffffffffffffffff01',
      'ffffffffffffffffff8101',
    ),
    'CODEC_VARINT_OVERFLOW',
  ),
  reject(
    'uint32-overflow',
    'ENC-2',
    'Signature key_index 2^32-1 (08ffffffff0f) with the last byte 0f changed to 10: 2^32, beyond uint32',
    T.signature,
    edit(hexOf(T.signature, { keyIndex: 0xffffffff, signature: SIG_1 }), '08ffffffff0f', '088080808010'),
    'CODEC_VARINT_OVERFLOW',
  ),
  reject(
    'commit-round-overflow',
    'ENC-2',
    'Commit round 1 (1001) widened to the uint64 value 2^32 (108080808010)',
    T.commit,
    edit(hexOf(T.commit, { ...commit, round: 1 }), `1001${'1a20'}`, `108080808010${'1a20'}`),
    'CODEC_VARINT_OVERFLOW',
  ),
  reject(
    'truncated-varint',
    'ENC-2',
    'Transfer amount 300 (10ac02) with its last byte removed: the varint is cut off',
    T.transfer,
    hexOf(T.transfer, { to: ADDR, amount: 300n }).slice(0, -2),
    'CODEC_TRUNCATED',
  ),
  reject(
    'truncated-length',
    'ENC-2',
    'the length of field 1 changed from 14 (20) to 7f (127), more than the 22 bytes that follow',
    T.transfer,
    edit(TRANSFER, `0a14${TO}`, `0a7f${TO}`),
    'CODEC_TRUNCATED',
  ),
  reject(
    'truncated-bytes',
    'ENC-2',
    'a Transfer with only field 1 and the last byte of the address removed',
    T.transfer,
    `0a14${TO}`.slice(0, -2),
    'CODEC_TRUNCATED',
  ),
  reject(
    'truncated-nested',
    'ENC-2',
    'a Tx { body } whose body length was raised by one: the body runs past the end of the input',
    T.tx,
    txOf(hexOf(T.body, body), +1),
    'CODEC_TRUNCATED',
  ),
];

/** A Tx holding only `bodyHex` as its body (field 1), the length prefix off by `lengthDelta`; bodies stay < 128 bytes. */
function txOf(bodyHex: string, lengthDelta = 0): string {
  const len = bodyHex.length / 2 + lengthDelta;
  if (len > 127) throw new Error('body too long for a one-byte length');
  return `0a${len.toString(16).padStart(2, '0')}${bodyHex}`;
}

const SIGNER_BOTH = `0a20${toHex(KEY_A)}1200`;
const structure: Case[] = [
  reject(
    'field-order',
    'ENC-3',
    'the two fields of a Transfer swapped: amount (1001) before to',
    T.transfer,
    `1001 0a14${TO}`.replace(' ', ''),
    'CODEC_FIELD_ORDER',
  ),
  reject(
    'field-order-nested',
    'ENC-3',
    'TxBody nonce (1807) and fee (20f403) swapped',
    T.body,
    edit(hexOf(T.body, body), '180720f403', '20f4031807'),
    'CODEC_FIELD_ORDER',
  ),
  reject(
    'repeated-not-consecutive',
    'ENC-3',
    'a Block whose txs (field 2) continue after last_commit (field 3): 1201aa 1a00 1201bb',
    T.block,
    edit(
      hexOf(T.block, {
        txs: [fromHex('aa')],
        lastCommit: { height: 0n, round: 0, blockHash: new Uint8Array(0), signatures: [] },
        evidence: [],
      }),
      '1201aa1a00',
      '1201aa1a001201bb',
    ),
    'CODEC_FIELD_ORDER',
  ),
  reject(
    'duplicate-field',
    'ENC-3',
    'a Transfer with amount written twice (1001 1002)',
    T.transfer,
    edit(TRANSFER, '1001', '10011002'),
    'CODEC_DUPLICATE_FIELD',
  ),
  reject(
    'duplicate-message-field',
    'ENC-3',
    'a Tx with two bodies: 0a00 0a00',
    T.tx,
    edit(hexOf(T.tx, { body: { chainId: '', nonce: 0n, fee: 0n, memo: '' }, signatures: [] }), '0a00', '0a000a00'),
    'CODEC_DUPLICATE_FIELD',
  ),
  reject(
    'unknown-field',
    'ENC-4',
    'a Transfer with field 3 (varint 1) appended: 1801',
    T.transfer,
    `${TRANSFER}1801`,
    'CODEC_UNKNOWN_FIELD',
  ),
  reject(
    'unknown-field-in-gap',
    'ENC-4',
    'TxBody with field 15 (7801) inserted before the transfer (field 16)',
    T.body,
    edit(hexOf(T.body, body), '8201', '78018201'),
    'CODEC_UNKNOWN_FIELD',
  ),
  reject(
    'unknown-field-after-last',
    'ENC-4',
    'a Header with field 13 (6801) appended after evidence_hash (12), its last field',
    T.header,
    `${hexOf(T.header, header)}6801`,
    'CODEC_UNKNOWN_FIELD',
  ),
  reject(
    'field-number-zero',
    'ENC-4',
    'the tag of field 1 (0a) changed to 02: field 0, wire type 2',
    T.transfer,
    edit(TRANSFER, `0a14${TO}`, `0214${TO}`),
    'CODEC_INVALID_TAG',
  ),
  reject(
    'wire-type-3',
    'ENC-4',
    'the amount tag 10 changed to 13 (start-group wire type)',
    T.transfer,
    edit(TRANSFER, '1001', '1301'),
    'CODEC_INVALID_TAG',
  ),
  reject(
    'wire-type-4',
    'ENC-4',
    'the amount tag 10 changed to 14 (end-group wire type)',
    T.transfer,
    edit(TRANSFER, '1001', '1401'),
    'CODEC_INVALID_TAG',
  ),
  reject(
    'wire-type-7',
    'ENC-4',
    'the amount tag 10 changed to 17 (wire type 7 does not exist)',
    T.transfer,
    edit(TRANSFER, '1001', '1701'),
    'CODEC_INVALID_TAG',
  ),
  reject(
    'wire-type-mismatch',
    'ENC-4',
    'amount (a varint) sent length-delimited: 1001 -> 120101',
    T.transfer,
    edit(TRANSFER, '1001', '120101'),
    'CODEC_WIRE_TYPE',
  ),
  reject(
    'wire-type-fixed64',
    'ENC-4',
    'amount sent as fixed64: 1001 -> 11 0100000000000000',
    T.transfer,
    edit(TRANSFER, '1001', '110100000000000000'),
    'CODEC_WIRE_TYPE',
  ),
  reject(
    'wire-type-bytes-as-varint',
    'ENC-4',
    'to (bytes) sent as a varint: the Transfer 0a01aa 1001 with 0a01aa -> 0801',
    T.transfer,
    edit(hexOf(T.transfer, { to: fromHex('aa'), amount: 1n }), '0a01aa', '0801'),
    'CODEC_WIRE_TYPE',
  ),
  reject(
    'oneof-multiple',
    'ENC-7',
    'a Signer with both members: ed25519 key then an empty multisig (1200) appended',
    T.signer,
    `${hexOf(T.signer, { key: { case: 'ed25519', value: KEY_A } })}1200`,
    'CODEC_ONEOF_MULTIPLE',
  ),
  reject(
    'oneof-multiple-nested',
    'ENC-7',
    'a Tx whose body signer holds both members: signer 1222 0a20<key> -> 1224 0a20<key> 1200, body length +2',
    T.tx,
    txOf(edit(hexOf(T.body, body), `1222${`0a20${toHex(KEY_A)}`}`, `1224${SIGNER_BOTH}`)),
    'CODEC_ONEOF_MULTIPLE',
  ),
  reject(
    'trailing-zero',
    'ENC-10',
    'a valid Transfer followed by one 00 byte: field number 0',
    T.transfer,
    `${TRANSFER}00`,
    'CODEC_INVALID_TAG',
  ),
  reject(
    'trailing-copy',
    'ENC-10',
    'a valid Transfer followed by a copy of its last field (1001)',
    T.transfer,
    `${TRANSFER}1001`,
    'CODEC_DUPLICATE_FIELD',
  ),
  reject(
    'trailing-lower-field',
    'ENC-10',
    'a valid Tx followed by another body (0a00): field 1 after field 2',
    T.tx,
    `${hexOf(T.tx, { body, signatures: [{ keyIndex: 0, signature: SIG_1 }] })}0a00`,
    'CODEC_FIELD_ORDER',
  ),
  reject(
    'trailing-continuation-byte',
    'ENC-10',
    'a valid Transfer followed by one 80 byte: a tag varint cut off',
    T.transfer,
    `${TRANSFER}80`,
    'CODEC_TRUNCATED',
  ),
];

const values: Case[] = [
  reject(
    'default-uint64',
    'ENC-5',
    'a Transfer with amount 0 written out: 1000 appended after field 1',
    T.transfer,
    `0a14${TO}1000`,
    'CODEC_DEFAULT_VALUE',
  ),
  reject(
    'default-bytes',
    'ENC-5',
    'a Transfer with an empty address written out: 0a00 before amount',
    T.transfer,
    edit(TRANSFER, `0a14${TO}`, '0a00'),
    'CODEC_DEFAULT_VALUE',
  ),
  reject(
    'default-uint32',
    'ENC-5',
    'a Signature with key_index 0 written out: 0800 prepended',
    T.signature,
    `0800${hexOf(T.signature, { keyIndex: 0, signature: SIG_1 })}`,
    'CODEC_DEFAULT_VALUE',
  ),
  reject(
    'default-string',
    'ENC-5',
    'a SignDoc with an empty domain written out: 0a00',
    T.signDoc,
    '0a00',
    'CODEC_DEFAULT_VALUE',
  ),
  reject(
    'default-oneof-member',
    'ENC-5',
    'a Signer whose ed25519 member is empty (0a00): a oneof scalar at its default is not encoded either',
    T.signer,
    '0a00',
    'CODEC_DEFAULT_VALUE',
  ),
  reject(
    'default-nested',
    'ENC-5',
    'a Tx whose body fee 500 (20f403) was replaced by fee 0 (2000), body length -1',
    T.tx,
    txOf(edit(hexOf(T.body, body), '20f403', '2000')),
    'CODEC_DEFAULT_VALUE',
  ),
  reject(
    'utf8-overlong-2',
    'ENC-8',
    'SignDoc domain "a/" with the / (2f) written as the overlong c0af, length 2 -> 3',
    T.signDoc,
    edit(MEMO('a/'), '0a02612f', '0a0361c0af'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-overlong-nul',
    'ENC-8',
    'SignDoc domain "a\\u0000" with the NUL (00) written as the overlong e08080',
    T.signDoc,
    edit(MEMO('a\u0000'), '0a026100', '0a0461e08080'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-overlong-euro',
    'ENC-8',
    'SignDoc domain "€" (e282ac) written as the four-byte overlong f08282ac',
    T.signDoc,
    edit(MEMO('€'), '0a03e282ac', '0a04f08282ac'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-surrogate',
    'ENC-8',
    'SignDoc domain "\\ud7ff" (ed9fbf) bumped to the surrogate U+D800 (eda080)',
    T.signDoc,
    edit(MEMO('\uD7FF'), 'ed9fbf', 'eda080'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-surrogate-pair',
    'ENC-8',
    'SignDoc domain "😀" (f09f9880) written as a CESU-8 surrogate pair (eda0bdedb880)',
    T.signDoc,
    edit(MEMO('😀'), '0a04f09f9880', '0a06eda0bdedb880'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-above-max',
    'ENC-8',
    'SignDoc domain U+10FFFF (f48fbfbf) bumped to U+110000 (f4908080)',
    T.signDoc,
    edit(MEMO('\u{10FFFF}'), 'f48fbfbf', 'f4908080'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-truncated-sequence',
    'ENC-8',
    'SignDoc domain "a€" with the last byte of € removed (length 4 -> 3)',
    T.signDoc,
    edit(MEMO('a€'), '0a0461e282ac', '0a0361e282'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-lone-continuation',
    'ENC-8',
    'SignDoc domain "ab" with b (62) replaced by a lone continuation byte 80',
    T.signDoc,
    edit(MEMO('ab'), '6162', '6180'),
    'CODEC_INVALID_UTF8',
  ),
  reject(
    'utf8-invalid-byte',
    'ENC-8',
    'TxBody memo "hi" with i (69) replaced by ff, never valid in UTF-8',
    T.body,
    edit(hexOf(T.body, body), utf8('hi'), '68ff'),
    'CODEC_INVALID_UTF8',
  ),
];

const limits: Case[] = [
  {
    id: 'codec-reject-oversized',
    description: 'a valid 24-byte Transfer decoded with input.maxBytes 23: refused by size before parsing',
    rule: 'ENC-9',
    input: { type: T.transfer, hex: TRANSFER, maxBytes: TRANSFER.length / 2 - 1 },
    expected: { ok: false, error: 'CODEC_OVERSIZED' },
  },
  {
    id: 'codec-at-max-bytes',
    description: 'the same 24-byte Transfer with input.maxBytes 24 is accepted: the limit is inclusive',
    rule: 'ENC-9',
    input: { type: T.transfer, hex: TRANSFER, maxBytes: TRANSFER.length / 2 },
    expected: { ok: true, json: toJson(T.transfer, transfer) },
  },
];

const files: VectorFile[] = [
  {
    file: 'messages.json',
    description: 'Canonical encodings of every v0 message type (specs/encoding.md)',
    cases: messages,
  },
  { file: 'reject-varints.json', description: 'Varints, lengths and truncation (ENC-2)', cases: varints },
  {
    file: 'reject-structure.json',
    description: 'Field order, known fields, tags, wire types, oneofs and trailing bytes (ENC-3, ENC-4, ENC-7, ENC-10)',
    cases: structure,
  },
  { file: 'reject-values.json', description: 'Default values and UTF-8 (ENC-5, ENC-8)', cases: values },
  {
    file: 'limits.json',
    description: 'Size limits (ENC-9); input.maxBytes is the decoder limit to apply',
    cases: limits,
  },
];

// Confirms every case against this implementation before writing, so a typo in an edit shows up here.
let problems = 0;
for (const { cases } of files) {
  for (const c of cases) {
    const bytes = fromHex(c.input.hex);
    const opts = c.input.maxBytes === undefined ? {} : { maxBytes: c.input.maxBytes };
    try {
      const value = decode(c.input.type, bytes, opts);
      if (!c.expected.ok) throw new Error(`accepted, expected ${c.expected.error}`);
      if (JSON.stringify(toJson(c.input.type, value)) !== JSON.stringify(c.expected.json))
        throw new Error('json differs');
      if (toHex(encode(c.input.type, fromJson(c.input.type, c.expected.json))) !== c.input.hex)
        throw new Error('re-encoding differs');
    } catch (err) {
      const got = isBabyError(err) ? err.code : String(err);
      if (c.expected.ok || got !== c.expected.error) {
        console.error(`${c.id}: ${got}`);
        problems++;
      }
    }
  }
}
if (problems > 0) {
  console.error(`${problems} case(s) disagree with this implementation; nothing written`);
  process.exit(1);
}

for (const { file, description, cases } of files) {
  const json = { runner: 'codec', description, cases };
  writeFileSync(join(import.meta.dirname, file), `${JSON.stringify(json, null, 2)}\n`);
}
const all = files.flatMap((f) => f.cases);
console.log(
  `${all.length} cases: ${all.filter((c) => c.expected.ok).length} valid, ${all.filter((c) => !c.expected.ok).length} must-reject`,
);

/**
 * The node's answers as the client returns them: the types are api's result schemas decoded (uint64 as bigint),
 * with bytes where the client has always given bytes and embedded messages decoded; ids and hashes are checked
 * against the bytes they name. A field the server's schema gains reaches these types without a line here.
 */
import {
  AccountResult,
  AccountTxsResult,
  BlockNotification,
  BlockResult,
  BlocksResult,
  CheckTxResult,
  type Decoded,
  type Json,
  MempoolResult,
  ProposalsResult,
  StatusResult,
  type SubmitMode as SubmitModeSchema,
  SubmitTxAsyncResult,
  SubmitTxCommitResult,
  SubmitTxSyncResult,
  type SubmitTxsAdmitted,
  type SubmitTxsRefused,
  SubmitTxsResult,
  TxResult,
  UpgradeResult,
  ValidatorSigningResult,
  ValidatorsResult,
} from '@babychain/api';
import type { Commit, DuplicateVoteEvidence, Header, Tx } from '@babychain/codec';
import { blockHash, bytesEqual, decode, evidenceHash, fromHex, isBabyError, toHex, txId } from '@babychain/codec';
import { Type } from 'typebox';
import { bad, decodeAnswer, message, object, type Replaced } from './decode.ts';
import { ClientErrorCode, clientError } from './errors.ts';

export type NodeStatus = Decoded<typeof StatusResult>;
export type Maturity = NodeStatus['maturity'];
/** Percentiles of recent durations, as a node measures block time and finality. */
export type DurationSummary = NodeStatus['blockTimeMs'];
/** The scheduled upgrade and the voting power whose launcher is ready for it (UPG-6). */
export type ScheduledUpgrade = NonNullable<NodeStatus['upgrade']>;

type AccountJson = Decoded<typeof AccountResult>;
export type MultisigInfo = Replaced<
  NonNullable<AccountJson['multisig']>,
  { readonly publicKeys: readonly Uint8Array[] }
>;
export type AccountInfo = Replaced<AccountJson, { readonly multisig: MultisigInfo | null }>;

/** A committed block; its hash is checked against the header, its ids against its transactions. */
export type BlockRecord = Replaced<
  Decoded<typeof BlockResult>,
  {
    readonly header: Header;
    readonly txs: readonly Uint8Array[];
    readonly commit: Commit | null;
    readonly evidence: readonly DuplicateVoteEvidence[];
  }
>;
/** The RPC-4 summary of a committed block, as `GET /blocks` lists it and the websocket announces it. */
export type BlockSummary = Decoded<typeof BlocksResult>['blocks'][number];

/** A committed transaction, decoded from its canonical bytes, whose hash is `id` (checked). */
export type TxInfo = Replaced<Decoded<typeof TxResult>, { readonly tx: Tx; readonly bytes: Uint8Array }>;

type ValidatorsJson = Decoded<typeof ValidatorsResult>;
export type ValidatorInfo = Replaced<ValidatorsJson['validators'][number], { readonly publicKey: Uint8Array }>;
export type JailedInfo = Replaced<ValidatorsJson['jailed'][number], { readonly publicKey: Uint8Array }>;
export type ValidatorsInfo = Replaced<
  ValidatorsJson,
  { readonly validators: readonly ValidatorInfo[]; readonly jailed: readonly JailedInfo[] }
>;

/** Governance and upgrades (specs/governance.md); addresses and keys stay lowercase hex, as the node sends them. */
export type UpgradeStatus = Decoded<typeof UpgradeResult>;
/** The governance record in force (GOV-3). */
export type GovernanceInfo = UpgradeStatus['governance'];
/** UPG-1: the scheduled plan with its release manifest (REL-1). */
export type PlanInfo = NonNullable<GovernanceInfo['plan']>;
export type PlanDecisionInfo = PlanInfo['decision'];
export type AttestationInfo = GovernanceInfo['attestations'][number];
/** A proposal in voting with its running tally. */
export type ProposalInfo = GovernanceInfo['proposals'][number];
export type ProposalKind = ProposalInfo['kind'];
/** GOV-6: voting power per option, and the total it is measured against. */
export type TallyInfo = ProposalInfo['tally'];
export type ProposalResultInfo = GovernanceInfo['results'][number];
export type ProposalOutcome = ProposalResultInfo['status'];
export type AppliedUpgradeInfo = GovernanceInfo['applied'][number];
/** GOV-2 parameters in force, without the release signers (those are on `GovernanceInfo`). */
export type GovParamsInfo = GovernanceInfo['govParams'];

/** The mempool counts the client has always returned; the node answers more (api's MempoolResult). */
const MempoolAnswer = Type.Pick(MempoolResult, ['pendingTxs', 'pendingBytes', 'queuedTxs', 'queuedBytes', 'senders']);
export type MempoolInfo = Decoded<typeof MempoolAnswer>;

export type SubmitMode = Json<typeof SubmitModeSchema>;
/** async: `{ id }`; sync: `{ id, status }`; commit: `{ id, height, index }` (where it was included). */
export type SubmitResult = Decoded<typeof SubmitTxAsyncResult> &
  Partial<Decoded<typeof SubmitTxSyncResult> & Decoded<typeof SubmitTxCommitResult>>;

/** One transaction's answer in `submitBatch`: admitted (`status`) or refused (`error`, with the node's code). */
export type BatchEntry =
  | Decoded<typeof SubmitTxsAdmitted>
  | Replaced<Decoded<typeof SubmitTxsRefused>, { readonly id: string }>;

/** What a simulation tells the client has always returned; the node answers more (api's CheckTxResult). */
const CheckAnswer = Type.Pick(CheckTxResult, ['id', 'sender', 'fee', 'nonce', 'accountNonce']);
export type CheckResult = Decoded<typeof CheckAnswer>;

/** One committed block as the websocket announces it: its RPC-4 summary and the TX-4 ids of its transactions. */
const BlockEventAnswer = Type.Omit(BlockNotification, ['subscription']);
export type BlockEvent = Decoded<typeof BlockEventAnswer>;

/** An answer whose fields an older node may not send, with what their absence means. */
function withDefaults(json: unknown, defaults: Record<string, unknown>): unknown {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? { ...defaults, ...json } : json;
}

export function readStatus(json: unknown): NodeStatus {
  // A node from before governance sends neither field: app version 0 (GOV-3) and nothing scheduled.
  return decodeAnswer(StatusResult, withDefaults(json, { appVersion: 0, upgrade: null }), 'status');
}

export function readAccount(json: unknown): AccountInfo {
  // A node from before multisig accounts (ADDR-3) does not send the key.
  const account = decodeAnswer(AccountResult, withDefaults(json, { multisig: null }), 'account');
  const { multisig } = account;
  return {
    ...account,
    multisig: multisig === null ? null : { ...multisig, publicKeys: multisig.publicKeys.map(fromHex) },
  };
}

/** Header and commit are read by the codec, which owns their canonical JSON; the rest by the schema. */
const BlockAnswer = Type.Omit(BlockResult, ['header', 'commit', 'evidence']);

export function readBlock(json: unknown): BlockRecord {
  const p = 'block';
  const o = object(json, p);
  const header = message(o, 'header', p, 'babychain.v0.Header');
  const block = decodeAnswer(BlockAnswer, o, p);
  if (block.hash !== toHex(blockHash(header))) throw bad(`${p}.hash`, 'the hash of the header', block.hash);
  const txs = block.txs.map(fromHex);
  if (block.txIds.length !== txs.length || txs.some((tx, i) => toHex(txId(tx)) !== block.txIds[i])) {
    throw bad(`${p}.txIds`, 'the ids of the block transactions', block.txIds);
  }
  if (block.height !== header.height) throw bad(`${p}.height`, `the header height ${header.height}`, o['height']);
  const commit = o['commit'] === null ? null : message(o, 'commit', p, 'babychain.v0.Commit');
  const pieces = o['evidence'];
  if (!Array.isArray(pieces)) throw bad(`${p}.evidence`, 'an array', pieces);
  const evidence = pieces.map((_, i) =>
    message(
      pieces as unknown as Record<string, unknown>,
      String(i),
      `${p}.evidence`,
      'babychain.v0.DuplicateVoteEvidence',
    ),
  );
  if (!bytesEqual(evidenceHash(evidence), header.evidenceHash)) {
    throw bad(`${p}.evidence`, 'the evidence the header commits to (BLK-11)', o['evidence']);
  }
  return { height: block.height, hash: block.hash, header, txIds: block.txIds, txs, commit, evidence };
}

/** The transaction is decoded from its bytes, which its id is checked against; its JSON copy is not read. */
const TxAnswer = Type.Omit(TxResult, ['tx']);

export function readTx(json: unknown, p = 'tx'): TxInfo {
  const { bytes: hex, ...found } = decodeAnswer(TxAnswer, json, p);
  const bytes = fromHex(hex);
  if (toHex(txId(bytes)) !== found.id) throw bad(`${p}.bytes`, `the bytes of transaction ${found.id}`, hex);
  try {
    return { ...found, tx: decode('babychain.v0.Tx', bytes), bytes };
  } catch (err) {
    throw clientError(ClientErrorCode.BAD_RESPONSE, `unexpected response: ${p}.bytes is not a canonical Tx`, {
      path: `${p}.bytes`,
      reason: isBabyError(err) ? err.code : String(err),
    });
  }
}

/** RPC-16: one entry of an account's transactions. */
export type AccountTx = TxInfo & { readonly direction: 'sent' | 'received' };
/** RPC-16: a page of an account's transactions, newest first; `next` is null on the last page. */
export interface AccountTxsPage {
  readonly address: string;
  readonly txs: readonly AccountTx[];
  readonly next: string | null;
}

const AccountTxsAnswer = Type.Omit(AccountTxsResult, ['txs']);

export function readAccountTxs(json: unknown): AccountTxsPage {
  const p = 'account_txs';
  const o = object(json, p);
  const { address, next } = decodeAnswer(AccountTxsAnswer, { address: o['address'], next: o['next'] }, p);
  const list = o['txs'];
  if (!Array.isArray(list)) throw bad(`${p}.txs`, 'an array', list);
  const txs = list.map((item: unknown, i: number): AccountTx => {
    const { direction, ...rest } = object(item, `${p}.txs.${i}`);
    if (direction !== 'sent' && direction !== 'received') {
      throw bad(`${p}.txs.${i}.direction`, '"sent" or "received"', direction);
    }
    return { ...readTx(rest, `${p}.txs.${i}`), direction };
  });
  return { address, txs, next };
}

export type ValidatorSigningInfo = Replaced<
  Decoded<typeof ValidatorSigningResult>,
  {
    readonly validators: readonly Replaced<
      Decoded<typeof ValidatorSigningResult>['validators'][number],
      { readonly publicKey: Uint8Array }
    >[];
  }
>;

export function readValidatorSigning(json: unknown): ValidatorSigningInfo {
  const answer = decodeAnswer(ValidatorSigningResult, json, 'validator_signing');
  return { ...answer, validators: answer.validators.map((v) => ({ ...v, publicKey: fromHex(v.publicKey) })) };
}

export function readValidators(json: unknown): ValidatorsInfo {
  const answer = decodeAnswer(ValidatorsResult, json, 'validators');
  return {
    ...answer,
    validators: answer.validators.map((v) => ({ ...v, publicKey: fromHex(v.publicKey) })),
    jailed: answer.jailed.map((j) => ({ ...j, publicKey: fromHex(j.publicKey) })),
  };
}

export function readUpgrade(json: unknown): UpgradeStatus {
  return decodeAnswer(UpgradeResult, json, 'upgrade');
}

/** RPC-20: a page of proposals, newest first: in voting (`status: 'voting'`) or decided. */
export type ProposalsPage = Decoded<typeof ProposalsResult>;
export type ProposalEntry = ProposalsPage['proposals'][number];

export function readProposals(json: unknown): ProposalsPage {
  return decodeAnswer(ProposalsResult, json, 'proposals');
}

export function readBlocks(json: unknown): BlockSummary[] {
  return [...decodeAnswer(BlocksResult, json, 'blocks').blocks];
}

/** RPC-4: a page of the newest blocks, newest first; `next` is null on the page that reaches height 1. */
export interface BlocksPage {
  readonly blocks: readonly BlockSummary[];
  readonly next: string | null;
}

export function readBlocksPage(json: unknown): BlocksPage {
  const { blocks, next } = decodeAnswer(BlocksResult, json, 'blocks');
  if (next === undefined) throw bad('blocks.next', 'a cursor or null (a page)', next);
  return { blocks, next };
}

export function readBlockEvent(json: unknown): BlockEvent {
  return decodeAnswer(BlockEventAnswer, json, 'params');
}

export function readMempool(json: unknown): MempoolInfo {
  return decodeAnswer(MempoolAnswer, json, 'mempool');
}

/** RPC-7: what each submit mode answers. */
const SUBMIT_ANSWERS = { async: SubmitTxAsyncResult, sync: SubmitTxSyncResult, commit: SubmitTxCommitResult } as const;

export function readSubmit(json: unknown, mode: SubmitMode, tx: Uint8Array): SubmitResult {
  const answer = decodeAnswer(SUBMIT_ANSWERS[mode], json, 'submit');
  checkedId(answer.id, 'submit', tx);
  return answer;
}

/** One entry per submitted transaction, in order; a refused one is named by the id of its bytes. */
export function readBatch(json: unknown, txs: readonly Uint8Array[]): BatchEntry[] {
  const { results } = decodeAnswer(SubmitTxsResult, json, 'submitBatch');
  if (results.length !== txs.length) throw bad('submitBatch.results', `${txs.length} entries`, results.length);
  return results.map((entry, i): BatchEntry => {
    const bytes = txs[i] as Uint8Array;
    if ('error' in entry) return { id: toHex(txId(bytes)), error: entry.error };
    return { id: checkedId(entry.id, `submitBatch.results[${i}]`, bytes), status: entry.status };
  });
}

export function readCheck(json: unknown, tx: Uint8Array): CheckResult {
  const answer = decodeAnswer(CheckAnswer, json, 'check');
  checkedId(answer.id, 'check', tx);
  return answer;
}

/** The id a node answers for submitted bytes must be theirs (TX-4). */
function checkedId(id: string, path: string, tx: Uint8Array): string {
  const expected = toHex(txId(tx));
  if (id !== expected) throw bad(`${path}.id`, `the id of the submitted bytes (${expected})`, id);
  return id;
}

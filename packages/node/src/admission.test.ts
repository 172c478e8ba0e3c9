// APP-1 on a running node: a governance transaction that could not execute is refused at submit time with its
// rule's code and leaves nothing in the mempool; one that becomes unexecutable while it waits is dropped after the
// commit that made it so, and GET /txs/:id says why, so that a waiting wallet stops.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { TxBody } from '@babychain/codec';
import { encode, sha256, toHex, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import { DEFAULT_PARAMS } from '@babychain/state';
import { makeValidatorHome } from '@babychain/test-utils';
import { silentLogger } from '@babychain/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BabyNode } from './node.ts';

const CHAIN_ID = 'admission-test-1';
const FEE = 500n;
const MIN_DEPOSIT = 1_000n;
const VOTING_PERIOD = 12n;

interface Signer {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  nonce: bigint;
}

function signer(): Signer {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, publicKey: publicKeyFromSeed(seed), nonce: 0n };
}

const validator = signer();
const wallet = signer();
const sink = addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(9)));
let home: string;
let node: BabyNode;

type Action = NonNullable<TxBody['action']>;

/** A signed transaction with `action` at the signer's next nonce (or `nonce`), encoded. */
function tx(from: Signer, action: Action, nonce = from.nonce): Uint8Array {
  const body: TxBody = {
    chainId: CHAIN_ID,
    signer: { key: { case: 'ed25519', value: from.publicKey } },
    nonce,
    fee: FEE,
    memo: '',
    action,
  };
  return encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(from.seed, txSignBytes(body)) }],
  });
}

const transfer = (amount = 1n): Action => ({ case: 'transfer', value: { to: sink, amount } });
const vote = (proposalId: bigint): Action => ({ case: 'vote', value: { proposalId, option: 1 } });
const paramChange = (deposit: bigint): Action => ({
  case: 'submitProposal',
  value: {
    deposit,
    title: 'same params',
    content: { case: 'paramChange', value: { params: { ...DEFAULT_PARAMS, minFee: FEE }, maturity: 1 } },
  },
});

async function call(path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const init: RequestInit =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(`${node.rpcUrl}${path}`, init);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const errorOf = (answer: { json: Record<string, unknown> }) =>
  answer.json['error'] as { code: string; message: string; meta?: Record<string, unknown> };

/** Submits in sync mode; the signer's nonce moves on when the node admits it. */
async function submit(from: Signer, bytes: Uint8Array) {
  const answer = await call('/txs', { tx: toHex(bytes), mode: 'sync' });
  if (answer.status === 200) from.nonce++;
  return answer;
}

async function mempoolTxs(): Promise<number> {
  const m = (await call('/mempool')).json;
  return Number(m['pendingTxs']) + Number(m['queuedTxs']);
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

const committed = (bytes: Uint8Array) =>
  until(async () => {
    const answer = await call(`/txs/${toHex(sha256(bytes))}`);
    return answer.status === 200 ? answer.json : undefined;
  }, 'a transaction to be committed');

/** Submits a transaction that must be refused with `code`, and checks that the mempool holds nothing after it. */
async function refused(from: Signer, bytes: Uint8Array, code: string): Promise<void> {
  const answer = await submit(from, bytes);
  expect(answer.status).toBe(400);
  expect(errorOf(answer).code).toBe(code);
  expect(await mempoolTxs()).toBe(0);
  expect((await call(`/txs/${toHex(sha256(bytes))}`)).status).toBe(404);
}

/** The proposal a committed SubmitProposal opened, with the height its voting ends at. */
async function openProposal(): Promise<{ id: bigint; end: bigint }> {
  const proposal = tx(validator, paramChange(MIN_DEPOSIT));
  expect((await submit(validator, proposal)).status).toBe(200);
  await committed(proposal);
  const upgrade = (await call('/upgrade')).json;
  const proposals = (upgrade['governance'] as { proposals: { id: string; votingEndHeight: string }[] }).proposals;
  const last = proposals.at(-1);
  if (last === undefined) throw new Error('the proposal is not in voting');
  return { id: BigInt(last.id), end: BigInt(last.votingEndHeight) };
}

const height = async () => BigInt((await call('/status')).json['height'] as string);

beforeAll(async () => {
  ({ home } = await makeValidatorHome({
    chainId: CHAIN_ID,
    accounts: [
      { address: addressFromPublicKey(validator.publicKey), balance: 10_000_000n },
      { address: addressFromPublicKey(wallet.publicKey), balance: 10_000_000n },
    ],
    genesis: {
      params: { minFee: FEE },
      govParams: {
        minDeposit: MIN_DEPOSIT,
        babyVotingPeriod: VOTING_PERIOD,
        grownUpVotingPeriod: 2n * VOTING_PERIOD,
        babyUpgradeDelay: 3n,
        grownUpUpgradeDelay: 6n,
        releaseSigners: [],
        releaseThreshold: 0,
      },
    },
    validatorSeed: validator.seed,
    commitWaitMs: 50,
  }));
  node = await BabyNode.open({ home, logger: silentLogger });
}, 30_000);

afterAll(async () => {
  await node?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('governance admission on a running node (APP-1)', () => {
  it('refuses a vote on a proposal that does not exist (GOV-5), and check_tx says the same', async () => {
    const bytes = tx(validator, vote(99n));
    const check = await call('/txs/check', { tx: toHex(bytes) });
    expect(errorOf(check).code).toBe('GOV_UNKNOWN_PROPOSAL');
    await refused(validator, bytes, 'GOV_UNKNOWN_PROPOSAL');
  });

  it('refuses a ready signal and an attestation for a plan that is not scheduled (UPG-6, UPG-7)', async () => {
    await refused(validator, tx(validator, { case: 'signalReady', value: { planName: 'v2' } }), 'UPG_NO_SUCH_PLAN');
    const attest: Action = {
      case: 'attestRelease',
      value: { planName: 'v2', platform: 'linux-x64', sha256: new Uint8Array(32).fill(3) },
    };
    await refused(validator, tx(validator, attest), 'UPG_NO_SUCH_PLAN');
  });

  it('refuses proposals under the deposit in force, of every kind (GOV-4)', async () => {
    await refused(wallet, tx(wallet, paramChange(MIN_DEPOSIT - 1n)), 'GOV_DEPOSIT_TOO_LOW');
    const cancel: Action = {
      case: 'submitProposal',
      value: { deposit: 1n, title: 'cancel v2', content: { case: 'cancelUpgrade', value: { name: 'v2' } } },
    };
    await refused(wallet, tx(wallet, cancel), 'GOV_DEPOSIT_TOO_LOW');
  });

  it('refuses a software upgrade whose plan cannot be scheduled at this height (UPG-2)', async () => {
    const plan = { name: 'v2', height: 1n, appVersion: 1, urls: [] };
    const upgrade: Action = {
      case: 'submitProposal',
      value: { deposit: MIN_DEPOSIT, title: 'too soon', content: { case: 'softwareUpgrade', value: { plan } } },
    };
    await refused(wallet, tx(wallet, upgrade), 'UPG_TOO_EARLY');
  });

  it('refuses a vote from an account that is not a validator (GOV-5)', async () => {
    const { id } = await openProposal();
    await refused(wallet, tx(wallet, vote(id)), 'GOV_NOT_VALIDATOR');
    // the nonce it did not take is the wallet's next transfer's
    const next = tx(wallet, transfer());
    expect((await submit(wallet, next)).status).toBe(200);
    await committed(next);
  }, 30_000);

  it('refuses a vote on a closed proposal, and the same nonce then carries a transfer', async () => {
    const { id, end } = await openProposal();
    await until(async () => ((await height()) > end ? true : undefined), 'the voting period to end');
    await refused(validator, tx(validator, vote(id)), 'GOV_UNKNOWN_PROPOSAL');
    const next = tx(validator, transfer());
    expect((await submit(validator, next)).status).toBe(200);
    await committed(next);
  }, 30_000);

  it('drops a waiting vote once its proposal closes, says why, and frees its nonce', async () => {
    const { id, end } = await openProposal();
    // Held behind a nonce gap, the vote cannot be included before the voting ends.
    const gap = validator.nonce;
    const late = tx(validator, vote(id), gap + 1n);
    const admitted = await call('/txs', { tx: toHex(late), mode: 'sync' });
    expect(admitted.json['status']).toBe('queued');
    const answer = await until(async () => {
      const a = await call(`/txs/${toHex(sha256(late))}`);
      return a.status === 410 ? a : undefined;
    }, 'the vote to be dropped');
    expect(await height()).toBeGreaterThanOrEqual(end);
    expect(errorOf(answer)).toMatchObject({
      code: 'RPC_TX_DROPPED',
      meta: { reason: 'invalid', code: 'GOV_UNKNOWN_PROPOSAL' },
    });
    expect(await mempoolTxs()).toBe(0);
    // the sender is not blocked: both nonces take transfers and commit
    const first = tx(validator, transfer(), gap);
    const second = tx(validator, transfer(), gap + 1n);
    expect((await call('/txs', { tx: toHex(first) })).status).toBe(200);
    expect((await call('/txs', { tx: toHex(second) })).status).toBe(200);
    await committed(second);
    validator.nonce = gap + 2n;
  }, 30_000);
});

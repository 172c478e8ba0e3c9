import type { Plan, TxBody } from '@babychain/codec';
import { BabyError, decode, decodeTx, encode, fromHex, toHex, txId, txSignBytes } from '@babychain/codec';
import { publicKeyFromSeed, verify } from '@babychain/crypto';
import { FakeNode, rpcError } from '@babychain/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BabyClient } from './client.ts';
import { attestBody, proposalBody, readyBody, sendGovernanceTx, VOTE_CHOICES, voteBody } from './governance.ts';

const seed = new Uint8Array(32).fill(5);
const signerPublicKey = publicKeyFromSeed(seed);
const fields = { chainId: 'gov-1', signerPublicKey, nonce: 7n, fee: 500n };

const plan: Plan = {
  name: 'v2',
  height: 120n,
  appVersion: 1,
  release: {
    manifest: {
      chainId: 'gov-1',
      planName: 'v2',
      version: '0.2.0',
      artifacts: [{ platform: 'linux-x64', sha256: new Uint8Array(32).fill(3), size: 1000n, unpackedSize: 4000n }],
      expiresMs: 1_800_000_000_000n,
      sourceCommit: 'a'.repeat(40),
    },
    signatures: [{ publicKey: new Uint8Array(32).fill(1), signature: new Uint8Array(64).fill(2) }],
  },
  urls: ['https://example.org/{sha256}'],
};

/** What a node would decode from the wire. */
const onWire = (body: TxBody): TxBody => decode('babychain.v0.TxBody', encode('babychain.v0.TxBody', body));

describe('governance bodies', () => {
  it('proposes a software upgrade with its deposit, title and signed plan, from the signer key', () => {
    const body = onWire(
      proposalBody({
        ...fields,
        memo: 'hi',
        deposit: 10_000_000n,
        title: 'Upgrade to v2',
        content: { kind: 'software-upgrade', plan },
      }),
    );
    expect(body).toMatchObject({ chainId: 'gov-1', nonce: 7n, fee: 500n, memo: 'hi' });
    expect(body.signer?.key).toEqual({ case: 'ed25519', value: signerPublicKey });
    expect(body.action).toEqual({
      case: 'submitProposal',
      value: { deposit: 10_000_000n, title: 'Upgrade to v2', content: { case: 'softwareUpgrade', value: { plan } } },
    });
  });

  it('proposes a cancel, and a parameter change that may declare the chain grown up', () => {
    const cancel = onWire(
      proposalBody({ ...fields, deposit: 1n, title: 'stop', content: { kind: 'cancel-upgrade', name: 'v2' } }),
    );
    expect(cancel.action).toMatchObject({ value: { content: { case: 'cancelUpgrade', value: { name: 'v2' } } } });
    expect(cancel.memo).toBe('');

    const params = { minFee: 100n, maxBlockBytes: 1_048_576n, maxBlockTxs: 5000 };
    const change = onWire(
      proposalBody({ ...fields, deposit: 1n, title: 'p', content: { kind: 'param-change', params, grownUp: true } }),
    );
    const content = change.action?.case === 'submitProposal' ? change.action.value.content : undefined;
    expect(content?.case).toBe('paramChange');
    expect(content?.value).toMatchObject({ params, maturity: 1 });
    expect(content?.case === 'paramChange' ? content.value.govParams : 'set').toBeUndefined();

    const stays = onWire(
      proposalBody({ ...fields, deposit: 1n, title: 'p', content: { kind: 'param-change', params } }),
    );
    expect(stays.action?.case === 'submitProposal' && stays.action.value.content?.value).toMatchObject({ maturity: 0 });
  });

  it('votes with the VoteOption numbers, and an unknown word as UNSPECIFIED for the node to refuse', () => {
    const numbers = VOTE_CHOICES.map((option) => {
      const body = onWire(voteBody({ ...fields, proposalId: 3n, option }));
      expect(body.action?.case).toBe('vote');
      return body.action?.case === 'vote' ? [body.action.value.proposalId, body.action.value.option] : [];
    });
    expect(numbers).toEqual([
      [3n, 1],
      [3n, 2],
      [3n, 3],
      [3n, 4],
    ]);
    const maybe = voteBody({ ...fields, proposalId: 3n, option: 'maybe' as 'yes' });
    expect(maybe.action).toEqual({ case: 'vote', value: { proposalId: 3n, option: 0 } });
  });

  it('attests a release digest for a platform and signals ready for a plan', () => {
    const sha256 = new Uint8Array(32).fill(9);
    expect(onWire(attestBody({ ...fields, planName: 'v2', platform: 'linux-x64', sha256 })).action).toEqual({
      case: 'attestRelease',
      value: { planName: 'v2', platform: 'linux-x64', sha256 },
    });
    expect(onWire(readyBody({ ...fields, planName: 'v2' })).action).toEqual({
      case: 'signalReady',
      value: { planName: 'v2' },
    });
  });
});

describe('sendGovernanceTx', () => {
  let node: FakeNode;
  let submitted: Uint8Array[];

  beforeEach(async () => {
    submitted = [];
    node = await new FakeNode({
      handler: (r) => {
        if (r.method === 'POST' && r.path === '/txs') {
          const bytes = fromHex((r.body as { tx: string }).tx);
          submitted.push(bytes);
          return { json: { id: toHex(txId(bytes)), status: 'pending' } };
        }
        const last = submitted.at(-1);
        if (last !== undefined && r.path === `/txs/${toHex(txId(last))}`) {
          return { json: { id: toHex(txId(last)), height: '40', index: 1, sender: 's', tx: {}, bytes: toHex(last) } };
        }
        return rpcError(404, 'RPC_NOT_FOUND', 'no');
      },
    }).start();
  });
  afterEach(() => node.close());

  it('signs the body with the seed, submits it in sync mode and waits for its block', async () => {
    const body = readyBody({ ...fields, planName: 'v2' });
    const result = await sendGovernanceTx(new BabyClient({ url: node.url }), body, seed, { waitTimeoutMs: 5000 });
    const tx = decodeTx(submitted[0] as Uint8Array);
    expect(tx.body).toEqual(onWire(body));
    expect(tx.signatures).toHaveLength(1);
    expect(verify(signerPublicKey, txSignBytes(body), tx.signatures[0]?.signature as Uint8Array)).toBe(true);
    expect(node.requests[0]?.body).toMatchObject({ mode: 'sync' });
    expect(result).toEqual({ id: toHex(txId(submitted[0] as Uint8Array)), height: 40n, index: 1 });
  });

  it('returns after admission without waiting, and passes a refusal through with its code', async () => {
    const client = new BabyClient({ url: node.url });
    const vote = voteBody({ ...fields, proposalId: 1n, option: 'yes' });
    expect(await sendGovernanceTx(client, vote, seed, { wait: false })).toMatchObject({ status: 'pending' });
    expect(node.requests.map((r) => r.path)).toEqual(['/txs']);
    node.handler = () => rpcError(400, 'GOV_NOT_VALIDATOR', 'only validators vote');
    const err = await sendGovernanceTx(client, vote, seed).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BabyError);
    expect((err as BabyError).code).toBe('GOV_NOT_VALIDATOR');
  });
});

// A light client's header chain (VAL-3, VAL-7, CONS-8): it follows a set change it verified the announcement of, and
// refuses a node that gives another set, a set the chain never announced, or a commit without a quorum.
import type { Commit, Header } from '@babychain/codec';
import { blockHash, create, isBabyError, sha256, toHex } from '@babychain/codec';
import { signVote, ValidatorSet, VoteType } from '@babychain/consensus';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import type { BlockRecord, ValidatorsInfo } from './answers.ts';
import { type HeaderSource, verifyHeaderChain } from './light.ts';

const CHAIN = 'light-1';
const seeds = Array.from({ length: 8 }, (_, i) => sha256(new TextEncoder().encode(`light validator ${i}`)));
const setOf = (members: readonly number[]) =>
  ValidatorSet.fromGenesis(
    members.map((i) => ({ name: `v${i}`, publicKey: publicKeyFromSeed(seeds[i] as Uint8Array), power: 10n })),
  );
const seedOf = (set: ValidatorSet, index: number) =>
  seeds.find((s) => set.indexOfPublicKey(publicKeyFromSeed(s)) === index) as Uint8Array;
const A = setOf([0, 1, 2, 3]);
const B = setOf([0, 1, 2, 4]); // 3 out, 4 in: what a jailing and a join leave
const FORGED = setOf([5, 6, 7]);

function commitFor(set: ValidatorSet, header: Header, signers = set.size): Commit {
  const hash = blockHash(header);
  const signatures = Array.from({ length: signers }, (_, index) => {
    const vote = signVote(
      CHAIN,
      { type: VoteType.PRECOMMIT, height: header.height, round: 0, blockHash: hash, timeMs: 9n, validatorIndex: index },
      seedOf(set, index),
    );
    return { validatorIndex: index, timeMs: 9n, signature: vote.signature };
  });
  return create('babychain.v0.Commit', { height: header.height, round: 0, blockHash: hash, signatures });
}

interface Chain {
  blocks: Map<bigint, BlockRecord>;
  sets: Map<bigint, ValidatorSet>;
}

/** heights 1..6: A signs 1..3, B from 4 (announced by header 3's next_validators_hash) */
function chain(): Chain {
  const sets = new Map<bigint, ValidatorSet>();
  for (let h = 1n; h <= 7n; h++) sets.set(h, h <= 3n ? A : B);
  const blocks = new Map<bigint, BlockRecord>();
  let last: Uint8Array = new Uint8Array(0);
  for (let h = 1n; h <= 6n; h++) {
    const header = create('babychain.v0.Header', {
      version: 1,
      chainId: CHAIN,
      height: h,
      timeMs: 1000n * h,
      lastBlockHash: last,
      validatorsHash: (sets.get(h) as ValidatorSet).hash,
      nextValidatorsHash: (sets.get(h + 1n) as ValidatorSet).hash,
      appHash: sha256(Uint8Array.of(Number(h))),
      proposerAddress: new Uint8Array(20),
    });
    blocks.set(h, record(header, commitFor(sets.get(h) as ValidatorSet, header)));
    last = blockHash(header);
  }
  return { blocks, sets };
}

function record(header: Header, commit: Commit): BlockRecord {
  return { height: header.height, hash: toHex(blockHash(header)), header, txIds: [], txs: [], commit, evidence: [] };
}

function answer(height: bigint, set: ValidatorSet): ValidatorsInfo {
  return {
    height,
    totalPower: set.totalPower,
    validators: set.validators.map((v) => ({
      index: v.index,
      name: v.name,
      address: encodeAddress(v.address),
      publicKey: v.publicKey,
      power: v.power,
      operator: encodeAddress(addressFromPublicKey(v.publicKey)),
    })),
    jailed: [],
  };
}

function source(c: Chain): HeaderSource {
  return {
    block: async (h) => c.blocks.get(h) as BlockRecord,
    validators: async (h) => answer(h as bigint, c.sets.get(h as bigint) as ValidatorSet),
  };
}

async function refusal(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    if (isBabyError(err, 'CLIENT_UNVERIFIED')) return err.meta;
    throw err;
  }
  throw new Error('expected CLIENT_UNVERIFIED');
}

const trustedAt1 = (c: Chain) => ({ height: 1n, hash: (c.blocks.get(1n) as BlockRecord).hash });

describe('verifyHeaderChain', () => {
  it('follows the set change header 3 announced: 1..3 signed by A, 4..6 by B', async () => {
    const c = chain();
    const headers = await verifyHeaderChain(source(c), CHAIN, trustedAt1(c), 6n);
    expect(headers.map((h) => h.height)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(headers.map((h) => toHex(h.validators.hash))).toEqual([
      ...[A, A, A].map((s) => toHex(s.hash)),
      ...[B, B, B].map((s) => toHex(s.hash)),
    ]);
  });

  it('refuses a set that does not hash to the header, though it would verify the commit', async () => {
    const c = chain();
    c.sets.set(4n, A); // the old set: signatures of 0, 1, 2 hold 30 of 40 in it too
    expect(await refusal(verifyHeaderChain(source(c), CHAIN, trustedAt1(c), 6n))).toMatchObject({
      height: 4n,
      reason: 'validators-hash',
    });
  });

  it('refuses a header signed by a set the chain never announced, with a quorum of that set', async () => {
    const c = chain();
    const honest = (c.blocks.get(4n) as BlockRecord).header;
    const forged = { ...honest, validatorsHash: FORGED.hash, nextValidatorsHash: FORGED.hash };
    c.blocks.set(4n, record(forged, commitFor(FORGED, forged)));
    c.sets.set(4n, FORGED);
    expect(await refusal(verifyHeaderChain(source(c), CHAIN, trustedAt1(c), 4n))).toMatchObject({
      height: 4n,
      reason: 'next-validators',
    });
  });

  it('refuses a commit without more than two thirds of the power, a broken link and an untrusted start', async () => {
    const weak = chain();
    const header = (weak.blocks.get(5n) as BlockRecord).header;
    weak.blocks.set(5n, record(header, commitFor(B, header, 2)));
    expect(await refusal(verifyHeaderChain(source(weak), CHAIN, trustedAt1(weak), 6n))).toMatchObject({
      height: 5n,
      reason: 'commit',
      code: 'CONS_BAD_COMMIT',
    });
    const unlinked = chain();
    const h3 = (unlinked.blocks.get(3n) as BlockRecord).header;
    const moved = { ...h3, lastBlockHash: sha256() };
    unlinked.blocks.set(3n, record(moved, commitFor(A, moved)));
    expect(await refusal(verifyHeaderChain(source(unlinked), CHAIN, trustedAt1(unlinked), 6n))).toMatchObject({
      height: 3n,
      reason: 'link',
    });
    const c = chain();
    expect(await refusal(verifyHeaderChain(source(c), CHAIN, { height: 1n, hash: sha256() }, 2n))).toMatchObject({
      height: 1n,
      reason: 'trusted-hash',
    });
  });
});

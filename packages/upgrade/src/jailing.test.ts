// Evidence and jailing through governance (specs/validators.md VAL-9..VAL-11): which offences a block may carry, who
// is jailed from which height, and how a jailed validator comes back.
import type { SubmitProposal } from '@babychain/codec';
import { EVIDENCE_MAX_AGE, toHex } from '@babychain/codec';
import type { Offence } from '@babychain/state';
import { describe, expect, it } from 'vitest';
import {
  alice,
  bob,
  expectCode,
  type Key,
  TestChain,
  testGenesis,
  tx,
  v0,
  v1,
  v1Chain,
  v2,
  v3,
  vote,
} from './governance.testutil.ts';
import { signPossession } from './possession.ts';
import { ProposalStatus, VoteOption } from './tally.ts';

const { YES } = VoteOption;

const offence = (k: Key, height: bigint): Offence => ({ publicKey: k.publicKey, height });
const submit = (from: Key, content: SubmitProposal['content']) =>
  tx(from, { case: 'submitProposal', value: { deposit: 1000n, title: 'validators', content } });
const unjail = (k: Key, power = 0n) => ({ case: 'unjailValidator' as const, value: { publicKey: k.publicKey, power } });
const names = (chain: TestChain, which: 'last' | 'current' | 'next') =>
  chain.gov
    .view(chain.record)
    .validators[which].map((v) => v.name)
    .sort();
const jailedKeys = (chain: TestChain) => chain.state.jailed.map((j) => toHex(j.publicKey));

/** submits `content` in the next block, votes yes with v0..v2 in the one after; returns the tally height */
function decide(chain: TestChain, content: SubmitProposal['content'], voters: readonly Key[] = [v0, v1, v2]): bigint {
  const end = chain.height + 10n;
  chain.run(submit(alice, content));
  const id = chain.state.nextProposalId - 1n;
  chain.run(...voters.map((k) => vote(k, id, YES)));
  return end;
}

describe('jailing (VAL-10)', () => {
  it('takes an offender out of the set of H + 2, keeps it signing H + 1, and records why', () => {
    const chain = v1Chain();
    chain.advanceTo(5n);
    chain.block(undefined, [offence(v3, 3n)]); // H = 5
    expect(names(chain, 'last')).toEqual(['v0', 'v1', 'v2', 'v3']); // set(5)
    expect(names(chain, 'current')).toEqual(['v0', 'v1', 'v2', 'v3']); // set(6)
    expect(names(chain, 'next')).toEqual(['v0', 'v1', 'v2']); // set(7)
    expect(chain.state.jailed).toEqual([
      {
        publicKey: v3.publicKey,
        evidenceHeight: 3n,
        jailedHeight: 5n,
        validator: { publicKey: v3.publicKey, power: 10n, name: 'v3', operator: v3.address },
      },
    ]);
    expect(chain.state.evidence).toEqual([{ height: 3n, publicKey: v3.publicKey }]);
  });

  it('punishes one offence once: the same again, or twice in one block, makes the block invalid', () => {
    const chain = v1Chain();
    chain.advanceTo(5n);
    expectCode(() => chain.block(undefined, [offence(v3, 3n), offence(v3, 3n)]), 'VAL_DUPLICATE_EVIDENCE');
    expect(chain.gov.admitOffences(chain.record, 5n, [offence(v3, 3n), offence(v3, 3n)])).toEqual([true, false]);
    chain.block(undefined, [offence(v3, 3n)]);
    const err = expectCode(() => chain.block(undefined, [offence(v3, 3n)]), 'VAL_DUPLICATE_EVIDENCE');
    expect(err.meta).toMatchObject({ height: 3n, publicKey: toHex(v3.publicKey), index: 0 });
    // another height of the same validator is another offence: committed, but it is jailed once
    chain.block(undefined, [offence(v3, 4n)]);
    expect(chain.state.jailed).toHaveLength(1);
    expect(chain.state.jailed[0]?.evidenceHeight).toBe(3n);
  });

  it('refuses evidence before app version 1, and a proposer leaves it out', () => {
    const chain = new TestChain(testGenesis());
    chain.advanceTo(3n);
    expect(chain.gov.admitOffences(chain.record, 3n, [offence(v3, 2n)])).toEqual([false]);
    expectCode(() => chain.block(undefined, [offence(v3, 2n)]), 'VAL_NOT_IN_FORCE');
  });

  it('keeps the last validator of a set, still recording the offence, so a chain never stops itself', () => {
    const chain = v1Chain([10n]);
    chain.advanceTo(3n);
    chain.block(undefined, [offence(v0, 2n)]);
    expect(names(chain, 'next')).toEqual(['v0']);
    expect(chain.state.jailed).toEqual([]);
    expect(chain.state.evidence).toHaveLength(1);
  });

  it('jails a validator that has already left without an entry: it cannot be added back until unjailed', () => {
    const chain = v1Chain();
    const removed = decide(chain, { case: 'removeValidator', value: { publicKey: v3.publicKey } });
    chain.advanceTo(removed + 3n);
    expect(names(chain, 'current')).not.toContain('v3');
    chain.block(undefined, [offence(v3, 2n)]); // it signed height 2
    expect(chain.state.jailed).toMatchObject([{ publicKey: v3.publicKey, evidenceHeight: 2n }]);
    expect(chain.state.jailed[0]?.validator).toBeUndefined();
    // power 9: three of 10 left can take less than a third of their 30 in one step (VAL-6)
    const possession = signPossession(v3.seed, chain.genesis.chainId, { power: 9n, name: 'v3', operator: bob.address });
    const add = {
      case: 'addValidator' as const,
      value: { publicKey: v3.publicKey, power: 9n, name: 'v3', operator: bob.address, possession },
    };
    chain.block((b) => expectCode(() => b.deliver(submit(alice, add), 0), 'VAL_JAILED'));
    chain.advanceTo(decide(chain, unjail(v3)) + 1n);
    expect(chain.state.results.at(-1)?.status).toBe(ProposalStatus.PASSED);
    expect(chain.state.jailed).toEqual([]);
    expect(names(chain, 'next')).not.toContain('v3'); // it had no entry: only the way back is open
    chain.run(submit(alice, add));
  });
});

describe('unjail (VAL-11)', () => {
  it('brings a jailed validator back with its name and operator, two heights after the tally', () => {
    const chain = v1Chain([10n, 10n, 10n, 12n]);
    chain.advanceTo(4n);
    chain.block(undefined, [offence(v3, 2n)]);
    expect(names(chain, 'next')).not.toContain('v3');
    // with its own 12 it would be 12 of the 30 left: more than VAL-6 lets in at once
    chain.block((b) => expectCode(() => b.deliver(submit(alice, unjail(v3)), 0), 'VAL_TOO_MUCH_CHANGE'));
    const tally = decide(chain, unjail(v3, 9n));
    chain.advanceTo(tally);
    chain.block(); // the tally
    expect(jailedKeys(chain)).toEqual([]);
    expect(names(chain, 'current')).not.toContain('v3'); // set(tally + 1)
    const back = chain.gov.view(chain.record).validators.next.find((v) => v.name === 'v3');
    expect(back).toEqual({ publicKey: v3.publicKey, power: 9n, name: 'v3', operator: v3.address });
  });

  it('refuses to unjail a key that is not jailed, at submission', () => {
    const chain = v1Chain();
    chain.block((b) => expectCode(() => b.deliver(submit(alice, unjail(v3)), 0), 'VAL_NOT_JAILED'));
  });
});

describe('the record of offences (VAL-9)', () => {
  it('forgets an offence once no block can carry its evidence any more', () => {
    const chain = v1Chain();
    chain.advanceTo(5n);
    chain.block(undefined, [offence(v3, 4n)]);
    const last = 4n + EVIDENCE_MAX_AGE; // the last height whose block may carry evidence of 4 (CONS-13)
    chain.advanceTo(last);
    expect(chain.state.evidence).toHaveLength(1);
    chain.block(); // the block at `last`: from `last + 1` on no block can carry it
    expect(chain.state.evidence).toEqual([]);
  });
});

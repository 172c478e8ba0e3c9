// Validator-set changes through governance (specs/validators.md VAL-2..VAL-8): who may propose what, the one-third
// step rule, and the heights at which a decided change signs.
import type { SubmitProposal, Validator } from '@babychain/codec';
import { toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import {
  alice,
  bob,
  CHAIN_ID,
  expectCode,
  type Key,
  key,
  plan,
  submitUpgrade,
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

const { YES, NO } = VoteOption;
const newcomer = key('v4');

const submit = (from: Key, content: SubmitProposal['content'], deposit = 1000n) =>
  tx(from, { case: 'submitProposal', value: { deposit, title: 'validators', content } });

function addContent(k: Key, power: bigint, operator: Uint8Array, name = 'v4', chainId = CHAIN_ID) {
  const possession = signPossession(k.seed, chainId, { power, name, operator });
  return {
    case: 'addValidator' as const,
    value: { publicKey: k.publicKey, power, name, operator, possession },
  };
}
const removeContent = (k: Key) => ({ case: 'removeValidator' as const, value: { publicKey: k.publicKey } });
const powerContent = (k: Key, power: bigint) => ({
  case: 'setValidatorPower' as const,
  value: { publicKey: k.publicKey, power },
});

/** the keys and powers of a set, in its order */
const shape = (set: readonly Validator[]) => set.map((v) => `${toHex(v.publicKey).slice(0, 8)}:${v.power}`);
const keyOf = (k: Key) => toHex(k.publicKey).slice(0, 8);

/** submits each content (ids 1, 2, …) in block 1, votes yes with v0..v2 in block 2; voting ends at height 11 */
function decide(chain: TestChain, ...contents: SubmitProposal['content'][]): void {
  chain.run(...contents.map((c) => submit(alice, c)));
  const ids = contents.map((_, i) => BigInt(i + 1));
  chain.run(...ids.flatMap((id) => [vote(v0, id, YES), vote(v1, id, YES), vote(v2, id, YES)]));
}

describe('validator-set changes (VAL-4, VAL-7)', () => {
  it('adds a validator decided at H to the set that signs H + 2, and to no height before', () => {
    const chain = v1Chain();
    decide(chain, addContent(newcomer, 10n, bob.address));
    chain.advanceTo(11n);
    const before = chain.gov.view(chain.record).validators;
    expect(before.next.map((v) => v.name)).not.toContain('v4');
    chain.block(); // height 11: the tally
    expect(chain.state.results[0]?.status).toBe(ProposalStatus.PASSED);
    const after11 = chain.gov.view(chain.record).validators;
    expect(shape(after11.last)).toEqual(shape(before.current)); // set(11)
    expect(shape(after11.current)).toEqual(shape(before.next)); // set(12): unchanged
    expect(after11.next.map((v) => toHex(v.publicKey).slice(0, 8))).toContain(keyOf(newcomer)); // set(13)
    chain.block(); // height 12
    const after12 = chain.gov.view(chain.record).validators;
    expect(shape(after12.current)).toEqual(shape(after11.next)); // set(13) signs from 13 on
    expect(after12.current.find((v) => v.name === 'v4')?.operator).toEqual(bob.address);
  });

  it('lets the new validator vote through its operator once its set signs a block, and not its consensus key', () => {
    const chain = v1Chain();
    decide(chain, addContent(newcomer, 10n, bob.address));
    chain.advanceTo(13n);
    chain.run(submit(alice, powerContent(v0, 11n)));
    chain.block((b) => {
      expectCode(() => b.deliver(vote(newcomer, 2n, YES), 0), 'GOV_NOT_VALIDATOR');
      b.deliver(vote(bob, 2n, YES), 0);
    });
    expect(chain.state.proposals[0]?.votes.map((v) => toHex(v.voter))).toEqual([toHex(bob.address)]);
  });

  it('lets a chain whose genesis starts at app version 1 change its set, and wants 2 of its first upgrade (GEN-5)', () => {
    const chain = new TestChain(testGenesis({ appVersion: 1 }));
    expect(chain.gov.view(chain.record).appVersion).toBe(1);
    expect(chain.gov.versionAt(chain.record, 1n)).toBe(1);
    chain.run(submit(alice, removeContent(v3)));
    chain.block((b) =>
      expectCode(() => b.deliver(submitUpgrade(alice, plan('v1', 40n, { appVersion: 1 })), 0), 'UPG_BAD_APP_VERSION'),
    );
    chain.run(submitUpgrade(alice, plan('v2', 40n, { appVersion: 2 })));
  });

  it('refuses a change before app version 1, as the first content check', () => {
    const chain = new TestChain(testGenesis());
    chain.block((b) =>
      expectCode(() => b.deliver(submit(alice, addContent(newcomer, 10n, bob.address)), 0), 'VAL_NOT_IN_FORCE'),
    );
  });

  it('checks the shape and the proof of possession before anything stateful', () => {
    const chain = v1Chain();
    const good = addContent(newcomer, 10n, bob.address);
    const cases: [SubmitProposal['content'], string, string?][] = [
      [{ ...good, value: { ...good.value, publicKey: new Uint8Array(31) } }, 'VAL_BAD_CHANGE', 'public-key'],
      [{ ...good, value: { ...good.value, power: 0n } }, 'VAL_BAD_CHANGE', 'power'],
      [{ ...good, value: { ...good.value, name: '' } }, 'VAL_BAD_CHANGE', 'name'],
      [{ ...good, value: { ...good.value, name: 'x'.repeat(65) } }, 'VAL_BAD_CHANGE', 'name'],
      [{ ...good, value: { ...good.value, operator: bob.address.slice(1) } }, 'VAL_BAD_CHANGE', 'operator'],
      [{ ...good, value: { ...good.value, possession: new Uint8Array(63) } }, 'VAL_BAD_CHANGE', 'possession'],
      [{ ...good, value: { ...good.value, power: 11n } }, 'VAL_BAD_POSSESSION'],
      [addContent(newcomer, 10n, bob.address, 'v4', 'another-chain'), 'VAL_BAD_POSSESSION'],
      [powerContent(v0, 0n), 'VAL_BAD_CHANGE', 'power'],
    ];
    for (const [content, code, reason] of cases) {
      chain.block((b) => {
        const err = expectCode(() => b.deliver(submit(alice, content), 0), code);
        if (reason !== undefined) expect(err.meta).toMatchObject({ reason });
      });
    }
  });

  it('refuses, at submission, what the next set makes impossible (VAL-6 step 1)', () => {
    const chain = v1Chain();
    const refused: [SubmitProposal['content'], string][] = [
      [addContent(v1, 10n, bob.address), 'VAL_DUPLICATE_VALIDATOR'],
      [addContent(newcomer, 10n, v2.address), 'VAL_DUPLICATE_OPERATOR'],
      [removeContent(newcomer), 'VAL_UNKNOWN_VALIDATOR'],
      [powerContent(newcomer, 5n), 'VAL_UNKNOWN_VALIDATOR'],
    ];
    for (const [content, code] of refused) {
      chain.block((b) => expectCode(() => b.deliver(submit(alice, content), 0), code));
    }
  });

  it('refuses one step that moves a third of the power or more, either way (VAL-6 step 2)', () => {
    const chain = v1Chain(); // four validators of power 10: total 40
    chain.block((b) => {
      b.deliver(submit(alice, removeContent(v3)), 0); // 10 of 40 leave: 30 < 40
      b.deliver(submit(alice, powerContent(v0, 23n)), 1); // 13 arrive: 39 < 40
      const err = expectCode(() => b.deliver(submit(alice, powerContent(v0, 24n)), 2), 'VAL_TOO_MUCH_CHANGE');
      expect(err.meta).toMatchObject({ removed: 0n, added: 14n, total: 40n });
      expectCode(() => b.deliver(submit(alice, addContent(newcomer, 14n, bob.address)), 2), 'VAL_TOO_MUCH_CHANGE');
    });
    const small = v1Chain([10n, 10n, 10n]);
    small.block((b) => expectCode(() => b.deliver(submit(alice, removeContent(v0)), 0), 'VAL_TOO_MUCH_CHANGE'));
  });

  it('counts the changes passing in one block together: the second of two removals fails', () => {
    const chain = v1Chain();
    decide(chain, removeContent(v3), removeContent(v2));
    chain.advanceTo(12n);
    const [first, second] = chain.state.results;
    expect(first?.status).toBe(ProposalStatus.PASSED);
    expect(second).toMatchObject({ status: ProposalStatus.FAILED, reason: 'VAL_TOO_MUCH_CHANGE' });
    expect(chain.gov.view(chain.record).validators.next.map((v) => v.name)).toEqual(['v0', 'v1', 'v2'].sort());
  });

  it('passes a change only with yes votes of more than two thirds of all the power', () => {
    const chain = v1Chain();
    chain.run(submit(alice, removeContent(v3)));
    chain.run(vote(v0, 1n, YES), vote(v1, 1n, YES), vote(v2, 1n, NO)); // 20 of 40 yes: a majority of votes, not 2/3
    chain.advanceTo(12n);
    expect(chain.state.results[0]?.status).toBe(ProposalStatus.REJECTED);
  });

  it('keeps no record while no change has passed, then all three lists', () => {
    const chain = v1Chain();
    const empty = chain.state;
    chain.advanceTo(5n);
    expect(chain.state.validators).toEqual(empty.validators);
    expect(chain.state.validators).toEqual([]);
    decide(chain, removeContent(v3)); // submitted at 5: voting ends at 15
    chain.advanceTo(16n);
    expect(chain.state.lastValidators).toHaveLength(4);
    expect(chain.state.validators).toHaveLength(4);
    expect(chain.state.nextValidators).toHaveLength(3);
  });
});

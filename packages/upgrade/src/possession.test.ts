// VAL-5: a proof of possession binds one key to one entry on one chain.
import { describe, expect, it } from 'vitest';
import { alice, bob, expectCode, v0, v1 } from './governance.testutil.ts';
import { signPossession, verifyPossession } from './possession.ts';

const entry = { power: 10n, name: 'new', operator: alice.address };

describe('proof of possession', () => {
  it('verifies for the key that signed its own entry, and for nothing else', () => {
    const proof = signPossession(v0.seed, 'chain-a', entry);
    expect(() => verifyPossession('chain-a', { ...entry, publicKey: v0.publicKey }, proof)).not.toThrow();
    const refused = [
      () => verifyPossession('chain-b', { ...entry, publicKey: v0.publicKey }, proof),
      () => verifyPossession('chain-a', { ...entry, publicKey: v1.publicKey }, proof),
      () => verifyPossession('chain-a', { ...entry, publicKey: v0.publicKey, operator: bob.address }, proof),
      () => verifyPossession('chain-a', { ...entry, publicKey: v0.publicKey, power: 11n }, proof),
    ];
    for (const attempt of refused)
      expect(expectCode(attempt, 'VAL_BAD_POSSESSION').meta).toMatchObject({ rule: 'VAL-5' });
  });
});

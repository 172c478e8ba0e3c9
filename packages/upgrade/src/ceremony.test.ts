// GEN-8: the genesis ceremony: a submission per operator, collected into a genesis against one draft.
import { encodeAddress } from '@babychain/crypto';
import { genesisDraftFromJson, genesisHash, genesisToJson, parseGenesis } from '@babychain/state';
import { describe, expect, it } from 'vitest';
import { collectGenesis, createSubmission, type SubmissionJson } from './ceremony.ts';
import { alice, bob, expectCode, v0, v1, v2 } from './governance.testutil.ts';

const draftJson = {
  chainId: 'ceremony-1',
  genesisTimeMs: '1795400000000',
  maturity: 'baby',
  addressPrefix: 'baby',
  params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
  accounts: [{ address: encodeAddress(alice.address, 'baby'), balance: '1000000' }],
  validators: [],
};
const draft = genesisDraftFromJson(draftJson);
const otherDraft = genesisDraftFromJson({ ...draftJson, genesisTimeMs: '1795400000001' });

const text = (s: SubmissionJson) => JSON.stringify(s);
const sub0 = createSubmission(v0.seed, draft, { name: 'v0', power: 10n });
const sub1 = createSubmission(v1.seed, draft, { name: 'v1', power: 20n, operator: bob.address });
const sub2 = createSubmission(v2.seed, draft, { name: 'v2', power: 10n });
const files = (...subs: SubmissionJson[]) => subs.map((s, i) => ({ file: `s${i}.json`, text: text(s) }));

describe('GEN-8 genesis ceremony', () => {
  it('collects the same genesis whatever order the submissions come in, sorted by power then key', () => {
    const a = collectGenesis(draft, files(sub0, sub1, sub2));
    const b = collectGenesis(draft, files(sub2, sub0, sub1));
    expect(genesisHash(a)).toEqual(genesisHash(b));
    const lowKeyFirst = [v0, v2].sort((x, y) => Buffer.compare(x.publicKey, y.publicKey)).map((k) => k.publicKey);
    expect(a.validators.map((v) => v.publicKey)).toEqual([v1.publicKey, ...lowKeyFirst]);
    // the operator is written out (the key's address when the operator named none), and the file parses back
    expect(a.validators.map((v) => v.operator.length)).toEqual([20, 20, 20]);
    expect(a.validators[0]?.operator).toEqual(bob.address);
    const reread = parseGenesis(JSON.stringify(genesisToJson(a)));
    expect(genesisHash(reread)).toEqual(genesisHash(a));
  });

  it('the draft hash is the genesis hash of the draft, validators empty; a draft with validators is malformed', () => {
    expect(sub0.draftHash).toBe(Buffer.from(genesisHash(draft)).toString('hex'));
    const withValidator = { ...draftJson, validators: [{ name: 'x', publicKey: '00'.repeat(32), power: '1' }] };
    expect(expectCode(() => genesisDraftFromJson(withValidator), 'GENESIS_MALFORMED').meta).toMatchObject({
      field: '$.validators',
    });
  });

  it('refuses a truncated or reshaped submission (GENESIS_BAD_SUBMISSION), naming the file', () => {
    const truncated = text(sub0).slice(0, 80);
    const err = expectCode(
      () => collectGenesis(draft, [{ file: 'cut.json', text: truncated }]),
      'GENESIS_BAD_SUBMISSION',
    );
    expect(err.meta).toMatchObject({ file: 'cut.json', rule: 'GEN-8' });
    const extra = JSON.stringify({ ...sub0, note: 'hi' });
    expect(
      expectCode(() => collectGenesis(draft, [{ file: 'x', text: extra }]), 'GENESIS_BAD_SUBMISSION').meta,
    ).toMatchObject({ field: '$.note' });
    const numeric = JSON.stringify({ ...sub0, validator: { ...sub0.validator, power: 10 } });
    expectCode(() => collectGenesis(draft, [{ file: 'x', text: numeric }]), 'GENESIS_BAD_SUBMISSION');
  });

  it('refuses a submission signed for another chain, or made against another draft', () => {
    const foreign = createSubmission(v0.seed, { ...draft, chainId: 'other-1' }, { name: 'v0', power: 10n });
    expect(expectCode(() => collectGenesis(draft, files(foreign)), 'GENESIS_WRONG_CHAIN').meta).toMatchObject({
      expected: 'ceremony-1',
      got: 'other-1',
    });
    const stale = createSubmission(v0.seed, otherDraft, { name: 'v0', power: 10n });
    expectCode(() => collectGenesis(draft, files(stale)), 'GENESIS_WRONG_DRAFT');
  });

  it('refuses an entry edited after signing (VAL_BAD_POSSESSION), whichever field changed', () => {
    const edits: SubmissionJson[] = [
      { ...sub0, validator: { ...sub0.validator, power: '1000' } },
      { ...sub0, validator: { ...sub0.validator, name: 'evil' } },
      { ...sub0, validator: { ...sub0.validator, operator: encodeAddress(bob.address, 'baby') } },
      { ...sub0, validator: { ...sub1.validator, power: sub0.validator.power } },
    ];
    for (const edited of edits) {
      expect(expectCode(() => collectGenesis(draft, files(edited)), 'VAL_BAD_POSSESSION').meta).toMatchObject({
        rule: 'VAL-5',
        file: 's0.json',
      });
    }
  });

  it('checks the entry as GEN-4 does: key, then power, then operator', () => {
    const shortKey = { ...sub0, validator: { ...sub0.validator, publicKey: sub0.validator.publicKey.slice(2) } };
    expect(expectCode(() => collectGenesis(draft, files(shortKey)), 'GENESIS_BAD_VALIDATOR_KEY').meta).toMatchObject({
      reason: 'SIG_BAD_LENGTH',
    });
    const zero = { ...shortKey, validator: { ...shortKey.validator, power: '0' } };
    expectCode(() => collectGenesis(draft, files(zero)), 'GENESIS_BAD_VALIDATOR_KEY');
    expectCode(
      () => collectGenesis(draft, files({ ...sub0, validator: { ...sub0.validator, power: '0' } })),
      'GENESIS_ZERO_POWER',
    );
    const foreignPrefix = { ...sub0, validator: { ...sub0.validator, operator: encodeAddress(bob.address, 'cosmos') } };
    expect(() => collectGenesis(draft, files(foreignPrefix))).toThrow(
      expect.objectContaining({ code: 'CRYPTO_WRONG_ADDRESS_PREFIX' }),
    );
  });

  it('refuses a submission given twice, or two keys with one operator, naming the later file', () => {
    const twice = expectCode(() => collectGenesis(draft, files(sub0, sub1, sub0)), 'GENESIS_DUPLICATE_VALIDATOR');
    expect(twice.meta['file']).toMatch(/^s[02]\.json$/);
    const sameOperator = createSubmission(v2.seed, draft, { name: 'v2', power: 5n, operator: bob.address });
    expectCode(() => collectGenesis(draft, files(sub1, sameOperator)), 'GENESIS_DUPLICATE_OPERATOR');
  });

  it('a collection without submissions is no genesis (GENESIS_NO_VALIDATORS)', () => {
    expectCode(() => collectGenesis(draft, []), 'GENESIS_NO_VALIDATORS');
  });
});

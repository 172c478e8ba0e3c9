// `baby gov propose add-validator | remove-validator | set-power` and `baby gov possession` (VAL-4, VAL-5).
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '@babychain/codec';
import { FAKE_CHAIN_ID as CHAIN_ID } from '@babychain/test-utils';
import { verifyPossession } from '@babychain/upgrade';
import { beforeAll, describe, expect, it } from 'vitest';
import { govCli, validatorKey } from './gov.testutil.ts';

describe('baby gov: validator-set proposals', () => {
  const { node, started, proposer, baby, json, file, action, refused } = govCli();
  let keyHome: string;
  beforeAll(() => {
    keyHome = started.validatorHome;
  });

  it("adds a validator with a proof signed by the key in --key-home that the chain's rule accepts", async () => {
    const run = await baby([
      ...['gov', 'propose', 'add-validator', '--key-home', keyHome, '--power', '7', '--name', 'newbie'],
      ...['--title', 'add newbie', '--from', 'proposer', '--json'],
    ]);
    expect(run.err).toBe('');
    expect(json(run.out)).toMatchObject({ status: 'committed', kind: 'add-validator', power: '7', name: 'newbie' });
    const a = action();
    if (a.case !== 'submitProposal' || a.value.content?.case !== 'addValidator') throw new Error('not an addition');
    const add = a.value.content.value;
    expect(add.publicKey).toEqual(validatorKey);
    expect(add.power).toBe(7n);
    // the operator defaults to the key's own address; the proof verifies under the chain's own rule
    expect(() => verifyPossession(CHAIN_ID, add, add.possession)).not.toThrow();
  });

  it('proposes the entry another machine signed with `baby gov possession`, and refuses one for another chain', async () => {
    const signed = await baby([
      ...['gov', 'possession', '--key-home', keyHome, '--chain-id', CHAIN_ID],
      ...['--power', '3', '--name', 'remote', '--operator', proposer.address],
    ]);
    expect(signed.code, signed.err).toBe(0);
    const entry = json(signed.out) as Record<string, string>;
    expect(entry['operator']).toBe(toHex(fromHex(entry['operator'] as string)));
    const path = file('entry.json', signed.out);
    const run = await baby([
      ...['gov', 'propose', 'add-validator', '--entry', path, '--title', 'add remote', '--from', 'proposer'],
    ]);
    expect(run.code, run.err).toBe(0);
    const a = action();
    if (a.case !== 'submitProposal' || a.value.content?.case !== 'addValidator') throw new Error('not an addition');
    expect(toHex(a.value.content.value.possession)).toBe(entry['possession']);
    const other = file('other.json', JSON.stringify({ ...entry, chainId: 'babychain-other-1' }));
    expect(
      await refused(['gov', 'propose', 'add-validator', '--entry', other, '--title', 't', '--from', 'proposer']),
    ).toBe('CLI_BAD_ARGUMENT');
    const broken = file('broken.json', readFileSync(path, 'utf8').slice(0, 40));
    expect(
      await refused(['gov', 'propose', 'add-validator', '--entry', broken, '--title', 't', '--from', 'proposer']),
    ).toBe('CLI_BAD_FILE');
  });

  it('removes a validator and sets a power by consensus key, refusing malformed keys and power 0', async () => {
    const key = toHex(validatorKey);
    expect((await baby(['gov', 'propose', 'remove-validator', key, '--title', 'bye', '--from', 'proposer'])).code).toBe(
      0,
    );
    expect(action()).toMatchObject({
      value: { content: { case: 'removeValidator', value: { publicKey: validatorKey } } },
    });
    expect((await baby(['gov', 'propose', 'set-power', key, '12', '--title', 'up', '--from', 'proposer'])).code).toBe(
      0,
    );
    expect(action()).toMatchObject({ value: { content: { case: 'setValidatorPower', value: { power: 12n } } } });
    expect(await refused(['gov', 'propose', 'remove-validator', 'abcd', '--title', 't', '--from', 'proposer'])).toBe(
      'CLI_BAD_ARGUMENT',
    );
    expect(await refused(['gov', 'propose', 'set-power', key, '0', '--title', 't', '--from', 'proposer'])).toBe(
      'CLI_BAD_ARGUMENT',
    );
    expect(node.submitted.length).toBeGreaterThan(0);
  });
});

// Validators join and leave a running chain (specs/validators.md VAL-4..VAL-7) through `pnpm devnet add-validator`
// and `remove-validator`'s own code, while transfers flow: a 5th validator is proposed with its proof of possession,
// voted in and seen signing; then validator 3 is voted out and keeps following the chain as a full node.
import { toHex } from '@babychain/codec';
import { afterAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import { addValidator, removeValidator } from '../src/set-commands.ts';
import { DEMO_GOV_PARAMS, VALIDATOR_FUNDS } from '../src/upgrade-flow.ts';
import { waitUntilSigning } from '../src/validator-flow.ts';
import {
  all,
  disposeDevnet,
  expectSafe,
  log,
  logsOnFailure,
  newAccount,
  reach,
  started,
  TRANSFER_AMOUNT,
  TRANSFER_FEE,
  TransferLoop,
  tip,
} from './helpers.ts';

describe('validator-set changes on a running devnet', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('takes a 5th validator in and validator 3 out under load: equal hashes everywhere, no acknowledged transfer lost', async () => {
    logsOnFailure(() => devnet);
    const pairs = Array.from({ length: 2 }, () => ({ from: newAccount(), to: newAccount() }));
    const initial = 1_000_000_000n;
    devnet = await started({
      appVersion: 1,
      validatorFunds: VALIDATOR_FUNDS,
      govParams: DEMO_GOV_PARAMS,
      accounts: pairs.map((p) => ({ address: p.from.address, balance: initial })),
    });
    const d = devnet;
    const loop = new TransferLoop(d, pairs);
    loop.start();
    let joiner = -1;
    try {
      joiner = await addValidator(d, (line) => log('validators', line));
      const set = await d.rpc(0).validators();
      expect(set.validators).toHaveLength(5);
      expect(set.totalPower).toBe(50n);
      // VAL-7 as any node tells it: the first height the 5 sign was announced by the header before it
      const client = d.rpc(0);
      let first = set.height;
      while ((await client.validators(first - 1n)).validators.length === 5) first--;
      const [before, at] = [await client.block(first - 1n), await client.block(first)];
      expect((await client.validators(first - 1n)).validators).toHaveLength(4);
      expect(toHex(before.header.nextValidatorsHash)).toBe(toHex(at.header.validatorsHash));
      expect(toHex(before.header.validatorsHash)).not.toBe(toHex(at.header.validatorsHash));
      log('validators', `the set of 5 signs from height ${first}; the header of ${first - 1n} announced it`);
      const joinerStatus = await d.rpc(joiner).status();
      expect(joinerStatus.validator?.index).not.toBeNull();
      // its operator was funded for its votes: block fees alone (500 ubaby a transfer) come nowhere near 10 BABY
      const operator = joinerStatus.validator?.address as string;
      expect((await d.rpc(0).account(operator)).balance).toBeGreaterThanOrEqual(10_000_000n - 10n * TRANSFER_FEE);

      await removeValidator(d, 3, (line) => log('validators', line));
      const after = await d.rpc(0).validators();
      expect(after.validators).toHaveLength(4);
      // the joiner still signs with the set of four that remains
      const signing = await waitUntilSigning(d, joiner);
      log(
        'validators',
        `after the removal the joiner proposed block ${signing.proposed} and precommitted ${signing.precommitted}`,
      );
      await reach(d, (await tip(d)) + 3, all(d), 30_000);
    } finally {
      await loop.stop();
    }
    expect((await d.rpc(3).status()).validator?.index).toBeNull();
    const acked = loop.acked;
    log('validators', `${acked.length} transfers acknowledged while the set changed twice`);
    expect(acked.length).toBeGreaterThan(0);
    for (const tx of acked) {
      for (const i of all(d)) {
        const found = await d.rpc(i).tx(tx.id);
        expect(found, `transfer ${tx.id} on node ${i}`).not.toBeNull();
        expect(Number(found?.height ?? 0n)).toBe(tx.height);
      }
    }
    for (const pair of pairs) {
      const sender = await d.rpc(joiner).account(pair.from.address);
      expect(sender.balance).toBe(initial - sender.nonce * (TRANSFER_AMOUNT + TRANSFER_FEE));
      for (const tx of acked.filter((a) => a.from === pair.from.address)) expect(tx.nonce).toBeLessThan(sender.nonce);
    }
    await expectSafe(d);
  }, 170_000);
});

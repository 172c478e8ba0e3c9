// The validator set of a running chain changes by governance and by evidence (specs/validators.md VAL-4..VAL-10,
// consensus.md CONS-9 and CONS-13, blocks.md BLK-11), while transfers flow. A 5th validator is proposed with its proof
// of possession, voted in and seen signing, through `pnpm devnet add-validator`'s own code. Then validator 3
// equivocates: a second process signs with its key (as in faults scenario 8), the two copies sign conflicting votes, a
// block carries the evidence and its commit jails validator 3: listed in `jailed`, out of the set two heights later.
// The chain goes on with the 4 honest validators (0, 1, 2 and the joiner); validator 3 follows it as a full node.
// (A vote-out is upgrade.test.ts's; this file keeps under 3 minutes.)
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyHeaderChain } from '@babychain/client';
import { encode, merkleRoot, sha256, toHex } from '@babychain/codec';
import { publicKeyFromSeed } from '@babychain/crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Devnet, VALIDATOR_POWER } from '../src/devnet.ts';
import { addValidator } from '../src/set-commands.ts';
import { DEMO_GOV_PARAMS, VALIDATOR_FUNDS, validatorSeed } from '../src/upgrade-flow.ts';
import { waitUntilSigning } from '../src/validator-flow.ts';
import {
  disposeDevnet,
  except,
  expectOneChain,
  firstBlockWithEvidence,
  log,
  logsOnFailure,
  newAccount,
  reach,
  secs,
  started,
  TRANSFER_AMOUNT,
  TRANSFER_FEE,
  TransferLoop,
  tip,
} from './helpers.ts';

describe('validator-set changes on a running devnet', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('takes a 5th validator in and jails validator 3 for equivocating, under load: one chain, no acknowledged transfer lost', async () => {
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
    const client = d.rpc(0);
    const loop = new TransferLoop(d, pairs);
    loop.start();
    let joiner = -1;
    let twin = -1;
    const offender = 3;
    const offenderKey = toHex(publicKeyFromSeed(validatorSeed(d, offender)));
    const keysOf = async (height: bigint) =>
      (await client.validators(height)).validators.map((v) => toHex(v.publicKey));
    try {
      // 1. A 5th validator joins.
      joiner = await addValidator(d, (line) => log('validators', line));
      const set = await client.validators();
      expect(set.validators).toHaveLength(5);
      expect(set.totalPower).toBe(50n);
      // VAL-7 as any node tells it: the first height the 5 sign was announced by the header before it
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
      expect((await client.account(operator)).balance).toBeGreaterThanOrEqual(10_000_000n - 10n * TRANSFER_FEE);

      // 2. Validator 3 equivocates: a second process signs with its key. When 3 proposes, each copy proposes its own
      // block and prevotes it, so the two copies sign conflicting votes (CONS-9).
      twin = await d.addFullNode();
      copyFileSync(
        join(d.node(offender).home, 'priv_validator_key.json'),
        join(d.node(twin).home, 'priv_validator_key.json'),
      );
      const twinFrom = BigInt(await tip(d, except(d, twin)));
      d.start(twin);
      const t0 = Date.now();
      log('validators', `a twin of validator ${offender} (node ${twin}) started at height ${twinFrom}`);

      // 3. The evidence lands in a block, whose commit jails validator 3.
      const block = await firstBlockWithEvidence(client, twinFrom + 1n, 90_000);
      const height = block.header.height;
      log(
        'validators',
        `block ${height} carries ${block.evidence.length} piece(s) of evidence, ${secs(Date.now() - t0)} after the ` +
          `twin started: heights ${block.evidence.map((e) => e.voteA?.height).join(', ')}`,
      );
      // BLK-11: the header commits to the evidence; the block before, which carries none, has no evidence hash
      expect(toHex(block.header.evidenceHash)).toBe(
        toHex(merkleRoot(block.evidence.map((e) => sha256(encode('babychain.v0.DuplicateVoteEvidence', e))))),
      );
      expect((await client.block(height - 1n)).header.evidenceHash).toHaveLength(0);
      // CONS-13: two votes of one height, round and type for two blocks, by validator 3 as the set of that height
      // numbers it
      for (const piece of block.evidence) {
        const [a, b] = [piece.voteA, piece.voteB];
        if (a === undefined || b === undefined) throw new Error(`block ${height}: evidence without both votes`);
        expect([b.height, b.round, b.type, b.validatorIndex]).toEqual([a.height, a.round, a.type, a.validatorIndex]);
        expect(toHex(a.blockHash)).not.toBe(toHex(b.blockHash));
        expect(a.height).toBeLessThan(height);
        expect(a.height).toBeGreaterThanOrEqual(twinFrom);
        const signers = await client.validators(a.height);
        expect(toHex(signers.validators.find((v) => v.index === a.validatorIndex)?.publicKey ?? new Uint8Array())).toBe(
          offenderKey,
        );
      }
      // VAL-10: jailed at `height` for the first piece's height; it still signs height + 1, not height + 2
      const followers = except(d, twin);
      await reach(d, Number(height) + 2, followers, 30_000);
      const entryBefore = (await client.validators(height + 1n)).validators.find(
        (v) => toHex(v.publicKey) === offenderKey,
      );
      expect(entryBefore, `validator ${offender} signs height ${height + 1n}`).toBeDefined();
      expect(await keysOf(height + 2n)).not.toContain(offenderKey);
      const jailedAfter = await client.validators(height + 2n);
      expect(jailedAfter.validators).toHaveLength(4);
      expect(jailedAfter.totalPower).toBe(40n);
      const now = await client.validators();
      expect(now.jailed.map((j) => ({ ...j, publicKey: toHex(j.publicKey) }))).toEqual([
        {
          publicKey: offenderKey,
          address: entryBefore?.address,
          evidenceHeight: block.evidence[0]?.voteA?.height,
          jailedHeight: height,
          name: entryBefore?.name,
          power: VALIDATOR_POWER,
          operator: entryBefore?.operator,
        },
      ]);
      // the committed record is the same whichever height is asked
      expect((await client.validators(height)).jailed).toEqual(now.jailed);
      log('validators', `validator ${offender} jailed at height ${height}: out of the set from ${height + 2n}`);

      // 4. Without the twin, the 4 honest validators go on (validator 3 follows); the joiner signs with them.
      await d.stop(twin);
      const signing = await waitUntilSigning(d, joiner);
      log(
        'validators',
        `with validator ${offender} jailed the joiner proposed block ${signing.proposed} and precommitted ` +
          `${signing.precommitted}`,
      );
      await reach(d, (await tip(d, followers)) + 3, followers, 30_000);
      expect((await d.rpc(offender).status()).validator?.index).toBeNull();
      expect(await keysOf((await client.validators()).height)).not.toContain(offenderKey);
      const counts = await Promise.all(followers.map(async (i) => (await d.rpc(i).status()).evidence));
      log('validators', `evidence stored per node (${followers.join(', ')}): ${counts.join(', ')}`);
    } finally {
      await loop.stop();
    }

    // 5. One chain on every node but the stopped twin, and every acknowledged transfer in it.
    const nodes = except(d, twin);
    const acked = loop.acked;
    log('validators', `${acked.length} transfers acknowledged while the set changed twice`);
    expect(acked.length).toBeGreaterThan(0);
    for (const tx of acked) {
      for (const i of nodes) {
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
    const safe = await expectOneChain(d, nodes);
    log('validators', `safety: equal block and app hashes up to height ${safe} on nodes ${nodes.join(', ')}`);

    // 6. A light client trusting only block 1's hash (from node 1) verifies node 0's headers across both changes.
    const root = { height: 1n, hash: (await d.rpc(1).block(1n)).hash };
    const t0 = Date.now();
    const headers = await verifyHeaderChain(d.rpc(0), d.state.chainId, root, BigInt(safe));
    // the size of each signing set in turn: 4, the joiner's 5, then 4 with validator 3 jailed
    const sizes = headers.map((h) => h.validators.size).filter((size, i, all) => i === 0 || all[i - 1] !== size);
    log(
      'validators',
      `light client: ${headers.length} headers verified in ${secs(Date.now() - t0)}, sets of ${sizes.join(' → ')}`,
    );
    expect(sizes).toEqual([4, 5, 4]);
  }, 170_000);
});

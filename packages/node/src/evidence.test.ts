// Evidence in blocks and jailing (specs/consensus.md CONS-13, specs/validators.md VAL-9, VAL-10) on the deterministic
// simulation: validator 3 signs two prevotes at a height, the proposers put the equivocation in a block, and every
// node takes validator 3 out of the set two heights later.
import type { Block } from '@babychain/codec';
import { bytesEqual, EVIDENCE_MAX_AGE, evidenceHash, toHex } from '@babychain/codec';
import { signVote, VoteType } from '@babychain/consensus';
import { publicKeyFromSeed } from '@babychain/crypto';
import { decodeGovRecord } from '@babychain/upgrade';
import { afterEach, describe, expect, it } from 'vitest';
import { Sim } from './sim.testutil.ts';
import type { SimNode } from './sim-parts.testutil.ts';
import { SIM_CHAIN_ID } from './sim-parts.testutil.ts';

let sim: Sim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/**
 * Validator 3 signs two votes: each time it broadcasts its first prevote of a height from `from` on, a prevote for nil
 * signed with its key follows, so every node holds both (CONS-9).
 */
function equivocate(s: Sim, from: bigint): { s: Sim; honest: SimNode[]; offender: Uint8Array } {
  const bad = s.nodes[3] as SimNode;
  const seed = bad.seed as Uint8Array;
  const done = new Set<bigint>();
  s.onBroadcast = (node, message) => {
    if (node !== bad || message.message?.case !== 'vote') return;
    const vote = message.message.value;
    if (vote.type !== VoteType.PREVOTE || vote.height < from || vote.blockHash.length === 0 || done.has(vote.height)) {
      return;
    }
    done.add(vote.height);
    const nil = signVote(SIM_CHAIN_ID, { ...vote, blockHash: new Uint8Array(0), signature: new Uint8Array(0) }, seed);
    s.inject(bad, { message: { case: 'vote', value: nil } });
  };
  return { s, honest: s.nodes.slice(0, 3), offender: publicKeyFromSeed(seed) };
}

async function start(appVersion: number): Promise<{ s: Sim; honest: SimNode[]; offender: Uint8Array }> {
  sim = await Sim.start({ validators: 4, appVersion });
  return equivocate(sim, 3n);
}

async function blockAt(s: Sim, node: SimNode, height: bigint): Promise<Block> {
  const block = await s.live(node).app.blockByHeight(height);
  if (block === undefined) throw new Error(`${node.id} has no block ${height}`);
  return block;
}

describe('evidence in blocks (CONS-13) and jailing (VAL-10)', () => {
  it("commits validator 3's equivocation and takes it out of the set from two heights on, on every node", async () => {
    const { s, honest, offender } = await start(1);
    let committedAt: bigint | undefined;
    s.onCommit = (node, c) => {
      if (node === honest[0] && c.block.evidence.length > 0) committedAt ??= c.header.height;
    };
    await s.runUntil('a block carrying the evidence', () => committedAt !== undefined);
    const h = committedAt as bigint;
    await s.runUntil('two heights later', () => s.allAt(h + 2n, honest));

    const block = await blockAt(s, honest[0] as SimNode, h);
    expect(toHex(block.header?.evidenceHash ?? new Uint8Array(0))).toBe(toHex(evidenceHash(block.evidence)));
    const vote = block.evidence[0]?.voteA;
    const setOfVote = s.validators; // no change before the jailing: the genesis set signed every height up to h + 1
    expect(bytesEqual(setOfVote.validators[vote?.validatorIndex ?? -1]?.publicKey ?? new Uint8Array(0), offender)).toBe(
      true,
    );
    for (const node of honest) {
      const { app, chain } = s.live(node);
      const setOf = async (height: bigint) =>
        (await chain.validatorSet((await blockAt(s, node, height)).header?.validatorsHash ?? new Uint8Array(0))) ?? [];
      const signs = (list: readonly { publicKey: Uint8Array }[]) => list.some((v) => bytesEqual(v.publicKey, offender));
      expect(signs(await setOf(h + 1n)), `${node.id}: set(H + 1)`).toBe(true);
      expect(signs(await setOf(h + 2n)), `${node.id}: set(H + 2)`).toBe(false);
      const jailed = decodeGovRecord(app.governanceRecord()).jailed;
      expect(
        jailed.map((j) => [toHex(j.publicKey), j.jailedHeight]),
        node.id,
      ).toEqual([[toHex(offender), h]]);
    }
    for (let height = 1n; height <= h + 2n; height++) {
      const records = honest.map((n) => n.commits.get(height));
      expect(new Set(records.map((r) => r?.hash)).size, `block hash at ${height}`).toBe(1);
      expect(new Set(records.map((r) => r?.appHash)).size, `app hash at ${height}`).toBe(1);
    }
    // CONS-13: once no block may carry it, nobody keeps the evidence: a twin running for a day fills no disk
    s.onBroadcast = undefined;
    const held = () => honest.map((n) => s.live(n).driver.status().evidence);
    expect(held().every((n) => n > 0)).toBe(true);
    await s.runUntil('past the age limit of every piece', () => s.allAt(h + EVIDENCE_MAX_AGE + 1n, honest));
    expect(held()).toEqual([0, 0, 0]);
  });

  // Height 3 is decided in round 0 (no faults). Validator 3's precommit for nil there reaches the watcher only once
  // it has decided: while it waits to start height 4 (its head already 3), or once it votes at 4.
  it.each(['commit-wait', 'next-height'] as const)(
    'catches a conflicting precommit of a decided height, arriving in the %s, against the one it held',
    async (when) => {
      const s = await Sim.start({ validators: 4, appVersion: 1 });
      sim = s;
      const [watcher, bad] = [s.nodes[0] as SimNode, s.nodes[3] as SimNode];
      const offender = publicKeyFromSeed(bad.seed as Uint8Array);
      const late = signVote(
        SIM_CHAIN_ID,
        {
          type: VoteType.PRECOMMIT,
          height: 3n,
          round: 0,
          blockHash: new Uint8Array(0),
          timeMs: 1n,
          validatorIndex: s.validators.indexOfPublicKey(offender),
          signature: new Uint8Array(0),
        },
        bad.seed as Uint8Array,
      );
      let sent = false;
      const send = () => {
        if (sent) return;
        sent = true;
        s.inject(bad, { message: { case: 'vote', value: late } });
      };
      if (when === 'commit-wait') {
        s.onCommit = (node, committed) => {
          if (node === watcher && committed.header.height === 3n) send();
        };
      } else {
        s.onBroadcast = (node, message) => {
          if (node === watcher && message.message?.case === 'vote' && message.message.value.height === 4n) send();
        };
      }
      await s.runUntil('the watcher holds the evidence', () => s.live(watcher).driver.status().evidence > 0);
      const jailedEverywhere = () =>
        s.nodes
          .slice(0, 3)
          .every((n) =>
            decodeGovRecord(s.live(n).app.governanceRecord()).jailed.some((j) => bytesEqual(j.publicKey, offender)),
          );
      await s.runUntil('validator 3 jailed on every honest node', jailedEverywhere);
    },
  );

  it('keeps evidence out of the blocks of app version 0: detected and stored, never committed', async () => {
    const { s, honest } = await start(0);
    await s.runUntil('every honest node holds the evidence', () =>
      honest.every((n) => s.live(n).driver.status().evidence > 0),
    );
    const tip = s.height(honest[0] as SimNode);
    await s.runUntil('three heights later', () => s.allAt(tip + 3n, honest));
    for (let height = 1n; height <= tip + 3n; height++) {
      expect((await blockAt(s, honest[0] as SimNode, height)).evidence).toEqual([]);
    }
    expect(decodeGovRecord(s.live(honest[0] as SimNode).app.governanceRecord()).jailed).toEqual([]);
  });
});

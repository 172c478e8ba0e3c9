import { truncate } from 'node:fs/promises';
import { blockHash, encode, sha256, toHex, txSignBytes } from '@babychain/codec';
import type { SignRequest } from '@babychain/consensus';
import { Step, VoteType, verifyCommit } from '@babychain/consensus';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Sim } from './sim.testutil.ts';
import type { SimNode } from './sim-parts.testutil.ts';
import { SIM_CHAIN_ID, WALLET_BALANCE, WALLET_SEED } from './sim-parts.testutil.ts';

let sim: Sim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(validators: number, followers = 0): Promise<Sim> {
  sim = await Sim.start({ validators, followers });
  return sim;
}

/** Every node that committed `height` holds the same block hash and app hash, and a commit that certifies it. */
async function expectAgreement(s: Sim, from: bigint, to: bigint, nodes: readonly SimNode[] = s.nodes): Promise<void> {
  for (let h = from; h <= to; h++) {
    const records = nodes.map((n) => n.commits.get(h));
    const first = records[0];
    expect(first, `height ${h}`).toBeDefined();
    for (const r of records) {
      expect(r?.hash, `block hash at ${h}`).toBe(first?.hash);
      expect(r?.appHash, `app hash at ${h}`).toBe(first?.appHash);
    }
    for (const n of nodes) {
      const { app, chain } = s.live(n);
      const block = await app.blockByHeight(h);
      const header = block?.header;
      if (header === undefined) throw new Error(`${n.id} has no block ${h}`);
      expect(toHex(blockHash(header))).toBe(first?.hash);
      const commit = await chain.commit(h);
      if (commit === undefined) throw new Error(`${n.id} has no commit for ${h}`);
      expect(() => verifyCommit(SIM_CHAIN_ID, s.validators, h, blockHash(header), commit)).not.toThrow();
      const carried = (await app.blockByHeight(h + 1n))?.lastCommit;
      if (carried !== undefined) {
        expect(() => verifyCommit(SIM_CHAIN_ID, s.validators, h, blockHash(header), carried)).not.toThrow();
      }
    }
  }
}

function expectSafe(s: Sim): void {
  expect(s.safetyProblems()).toEqual([]);
}

function transfer(nonce: bigint, amount: bigint, toSeed = 7) {
  const to = addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(toSeed)));
  const body = {
    chainId: SIM_CHAIN_ID,
    signer: { key: { case: 'ed25519' as const, value: publicKeyFromSeed(WALLET_SEED) } },
    nonce,
    fee: 500n,
    memo: '',
    action: { case: 'transfer' as const, value: { to, amount } },
  };
  const signature = sign(WALLET_SEED, txSignBytes(body));
  return { to, tx: encode('babychain.v0.Tx', { body, signatures: [{ keyIndex: 0, signature }] }) };
}

function roundSteps(s: Sim, node?: SimNode) {
  const out: { from: SimNode; height: bigint; round: number; step: number }[] = [];
  for (const m of s.sent) {
    const msg = m.message.message;
    if (msg?.case === 'roundStep' && (node === undefined || m.from === node)) out.push({ from: m.from, ...msg.value });
  }
  return out;
}

function proposalsOf(s: Sim, node: SimNode, height: bigint) {
  const out: { round: number; hash: string }[] = [];
  for (const m of s.sent) {
    const msg = m.message.message;
    if (m.from === node && msg?.case === 'proposal' && msg.value.proposal?.height === height) {
      out.push({ round: msg.value.proposal.round, hash: toHex(msg.value.proposal.blockHash) });
    }
  }
  return out;
}

describe('ConsensusDriver', () => {
  it('four validators and a full node decide ten heights with identical, certified blocks', async () => {
    const s = await start(4, 1);
    const t0 = s.now;
    await s.runUntil('ten heights', () => s.allAt(10n));
    await expectAgreement(s, 1n, 10n);
    expectSafe(s);
    expect(s.penalties).toEqual([]);
    for (const n of s.nodes) expect([...n.commits.values()].every((c) => c.via === 'consensus')).toBe(true);
    // no faults: every height is decided in round 0, well before any propose timeout
    for (const n of s.nodes) expect((await s.live(n).chain.commit(10n))?.round).toBe(0);
    expect(s.now - t0).toBeLessThan(10 * (s.commitWaitMs + 1000));
  });

  it('commits a transfer handed to the proposer and every node applies the same balances', async () => {
    const s = await start(4);
    const { to, tx } = transfer(0n, 1234n);
    const proposer = s.proposer(3n);
    proposer.pool.push(tx);
    let expected = 3n;
    for (let h = 1n; h < 3n; h++) if (s.proposer(h) === proposer && expected === 3n) expected = h;
    await s.runUntil('the transfer and one more block', () => s.allAt(expected + 1n));
    for (const n of s.nodes) {
      const { app } = s.live(n);
      expect((await app.tx(sha256(tx)))?.height, n.id).toBe(expected);
      expect((await app.account(to)).account?.balance, n.id).toBe(1234n);
      const sender = (await app.account(addressFromPublicKey(publicKeyFromSeed(WALLET_SEED)))).account;
      expect(sender?.balance, n.id).toBe(WALLET_BALANCE - 1234n - 500n);
      expect(sender?.nonce, n.id).toBe(1n);
    }
    expect(proposer.pool).toEqual([]);
    await expectAgreement(s, 1n, expected + 1n);
    expectSafe(s);
  });

  it('decides a height in a later round when its round-0 proposer is silent', async () => {
    const s = await start(4);
    const silent = s.proposer(3n, 0);
    // from the moment it has committed height 2 (before it can propose height 3), nothing it sends arrives
    s.onCommit = (node, c) => {
      if (node === silent && c.header.height === 2n) s.drop = (from) => from === silent;
    };
    await s.runUntil('height 3 without its round-0 proposer', () => s.allAt(3n));
    expect(proposalsOf(s, silent, 3n).map((p) => p.round)).toContain(0);
    const silentAddress = s.validators.validators[silent.validatorIndex as number]?.address;
    for (const n of s.nodes) {
      const { app, chain } = s.live(n);
      expect((await chain.commit(3n))?.round, n.id).toBeGreaterThanOrEqual(1);
      const header = (await app.blockByHeight(3n))?.header;
      expect(header?.proposerAddress).not.toEqual(silentAddress);
    }
    s.onCommit = undefined;
    s.heal();
    await s.runUntil('two more heights after it speaks again', () => s.allAt(5n));
    await expectAgreement(s, 1n, 5n);
    expectSafe(s);
  });

  it('decides nothing while split 2|2 and resumes with the same blocks once healed (round catch-up)', async () => {
    const s = await start(4);
    await s.runUntil('height 2', () => s.allAt(2n));
    const [a, b, c, d] = s.nodes as [SimNode, SimNode, SimNode, SimNode];
    s.partition([a, b], [c, d]);
    await s.runFor(30_000);
    for (const n of s.nodes) {
      expect(s.height(n), n.id).toBe(2n);
      expect(s.live(n).driver.status().height).toBe(2n);
    }
    const beforeHeal = s.requests.length;
    s.heal();
    await s.runUntil('decisions after healing', () => s.allAt(5n));
    expect(s.requests.slice(beforeHeal).some((r) => r.kind === 'catchUp' && r.served)).toBe(true);
    expect(s.requests.some((r) => r.kind === 'blocks' && r.served)).toBe(false);
    await expectAgreement(s, 1n, 5n);
    expectSafe(s);
  });

  it('a validator cut off for 15 heights catches up by block sync and decides again with the others', async () => {
    const s = await start(4);
    await s.runUntil('height 2', () => s.allAt(2n));
    const x = s.node(3);
    const others = s.nodes.filter((n) => n !== x);
    s.isolate(x);
    await s.runUntil('15 heights without x', () => s.allAt(17n, others), 120_000);
    expect(s.height(x)).toBe(2n);
    s.heal();
    await s.runUntil('x back in consensus', () => s.allAt(21n));
    for (let h = 3n; h <= 17n; h++) expect(x.commits.get(h)?.via, `height ${h}`).toBe('sync');
    const later = [18n, 19n, 20n, 21n].map((h) => x.commits.get(h)?.via);
    expect(later).toContain('consensus');
    expect(s.requests.some((r) => r.kind === 'blocks' && r.from === x.id && r.served)).toBe(true);
    expect(s.penalties).toEqual([]);
    await expectAgreement(s, 1n, 21n);
    expectSafe(s);
  });

  it('a validator crashed mid-height replays its WAL, re-sends identical votes and decides that height with the others', async () => {
    const s = await start(4);
    const proposer = s.proposer(3n);
    const v = s.nodes.find((n) => n !== proposer) as SimNode;
    const w = s.nodes.find((n) => n !== proposer && n !== v) as SimNode;
    const quorum = s.nodes.filter((n) => n !== w);
    s.isolate(w); // without w, the others need v: height 3 cannot be decided without its restart
    s.onBroadcast = (node, m) => {
      const msg = m.message;
      if (node === v && msg?.case === 'vote' && msg.value.height === 3n && msg.value.type === VoteType.PREVOTE) {
        s.crash(v);
        s.onBroadcast = undefined;
      }
    };
    await s.runUntil('v crashed after its prevote', () => !s.isUp(v));
    await s.runFor(5000);
    expect(quorum.map((n) => s.height(n))).toEqual([2n, 2n, 2n]);
    const logged = v.logs.length;
    await s.restart(v);
    expect(v.logs.slice(logged)).toContainEqual(
      expect.objectContaining({ msg: 'replayed the consensus WAL', ctx: expect.objectContaining({ height: '3' }) }),
    );
    await s.runUntil('height 3 with v', () => s.allAt(3n, quorum));
    expect(v.commits.get(3n)?.via).toBe('consensus');
    for (const n of quorum) {
      const signers = (await s.live(n).chain.commit(3n))?.signatures.map((x) => x.validatorIndex);
      expect(signers).toContain(v.validatorIndex);
    }
    const prevotes = s.votesOf(v).filter((x) => x.height === 3n && x.round === 0 && x.type === VoteType.PREVOTE);
    expect(prevotes.length).toBeGreaterThanOrEqual(2); // sent before the crash, and again after the replay
    const [original] = prevotes;
    if (original === undefined) throw new Error('no prevote');
    for (const p of prevotes) expect(encode('babychain.v0.Vote', p)).toEqual(encode('babychain.v0.Vote', original));
    expect(v.logs.filter((l) => l.msg.includes('double-sign guard refused'))).toEqual([]);
    await s.runUntil('two more heights', () => s.allAt(5n, quorum));
    s.heal();
    await s.runUntil('everyone at 7', () => s.allAt(7n));
    await expectAgreement(s, 1n, 7n);
    expectSafe(s);
  });

  it('a validator crashed between signing a precommit and logging it never signs a conflicting one', async () => {
    const s = await start(4);
    const v = s.node(2);
    const others = s.nodes.filter((n) => n !== v);
    let signed: SignRequest | undefined;
    s.onResolved = (node, store, method, args) => {
      const req = args[0] as SignRequest;
      if (node === v && store === 'guard' && method === 'sign' && req.height === 4n && req.step === Step.PRECOMMIT) {
        signed = req;
        s.crash(v); // the WAL append that follows fails: the precommit is neither logged nor sent
        s.onResolved = undefined;
      }
    };
    await s.runUntil('v crashed after signing', () => !s.isUp(v));
    if (signed === undefined) throw new Error('unreachable');
    expect(s.votesOf(v).filter((x) => x.height === 4n && x.type === VoteType.PRECOMMIT)).toEqual([]);
    await s.runUntil('the others three heights on', () => s.allAt(7n, others));
    await s.restart(v);
    await s.runUntil('v deciding again', () => s.allAt(9n));
    // after the replay it re-sent the very precommit its guard had signed (the guard's stored time), nothing else
    const precommits = s.votesOf(v).filter((x) => x.height === 4n && x.type === VoteType.PRECOMMIT);
    for (const p of precommits) {
      expect(toHex(p.blockHash)).toBe(toHex(signed.blockHash));
      expect(p.round).toBe(signed.round);
      expect(p.timeMs).toBe(signed.timeMs);
    }
    expect([...v.commits.values()].filter((c) => c.height >= 4n && c.height <= 7n).every((c) => c.via === 'sync')).toBe(
      true,
    );
    await expectAgreement(s, 1n, 9n);
    expectSafe(s);
  });

  it('a validator whose WAL lost its records after a crash is kept by its guard from voting differently', async () => {
    const s = await start(4);
    const proposer = s.proposer(3n);
    const v = s.nodes.find((n) => n !== proposer) as SimNode;
    const w = s.nodes.find((n) => n !== proposer && n !== v) as SimNode;
    const quorum = s.nodes.filter((n) => n !== w);
    s.isolate(w); // the others need v for height 3
    s.onBroadcast = (node, m) => {
      const msg = m.message;
      if (node === v && msg?.case === 'vote' && msg.value.height === 3n && msg.value.type === VoteType.PREVOTE) {
        s.crash(v);
        s.onBroadcast = undefined;
      }
    };
    await s.runUntil('v crashed after its prevote', () => !s.isUp(v));
    const [prevote] = s.votesOf(v).filter((x) => x.height === 3n);
    expect(prevote?.blockHash.length).toBe(32);
    // a torn first record: opening the WAL cuts the file to nothing, so the replay knows of no proposal and the
    // propose timeout asks v to prevote nil in the round where it prevoted a block; round catch-up then brings the
    // proposal and the votes (its own prevote among them) and v precommits the block with the others
    await truncate(s.walFile(v, 3n), 5);
    const logged = v.logs.length;
    await s.restart(v);
    await s.runUntil('height 3 with v', () => s.allAt(3n, quorum));
    expect(v.commits.get(3n)?.via).toBe('consensus');
    s.heal();
    await s.runUntil('everyone at 5', () => s.allAt(5n));
    const refusals = v.logs.slice(logged).filter((l) => l.msg === 'not voting: the double-sign guard refused');
    expect(refusals).toContainEqual(
      expect.objectContaining({ ctx: expect.objectContaining({ height: '3', round: 0, code: 'CONS_DOUBLE_SIGN' }) }),
    );
    for (const x of s.votesOf(v).filter((y) => y.height === 3n && y.round === 0 && y.type === VoteType.PREVOTE)) {
      expect(toHex(x.blockHash)).toBe(toHex(prevote?.blockHash ?? new Uint8Array(0)));
    }
    await expectAgreement(s, 1n, 5n);
    expectSafe(s);
  });

  it('a validator crashed between storing a decision and applying it applies that block on restart (CONS-12)', async () => {
    const s = await start(4);
    const v = s.node(1);
    s.onResolved = (node, store, method, args) => {
      const certified = args[0] as { block?: { header?: { height: bigint } } };
      if (node === v && store === 'chain' && method === 'saveDecided' && certified.block?.header?.height === 3n) {
        s.crash(v); // finalizeBlock and commit never run
        s.onResolved = undefined;
      }
    };
    await s.runUntil('v crashed after storing its decision', () => !s.isUp(v));
    expect(s.height(v)).toBe(2n);
    await s.restart(v);
    expect(v.commits.get(3n)?.via).toBe('replay');
    await s.runUntil('everyone at 6', () => s.allAt(6n));
    await expectAgreement(s, 1n, 6n);
    expectSafe(s);
  });

  it('is deterministic: the same faults yield the same blocks at the same virtual times', async () => {
    const run = async () => {
      const s = await Sim.start({ validators: 4 });
      try {
        await s.runUntil('height 2', () => s.allAt(2n));
        s.isolate(s.node(1));
        await s.runFor(3000);
        s.heal();
        await s.runUntil('height 6', () => s.allAt(6n));
        return { now: s.now, commits: [...s.node(0).commits.values()], sent: s.sent.length };
      } finally {
        await s.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
  });

  it('the safety check flags a validator that broadcast two blocks for one step, and a fork', async () => {
    const s = await start(4);
    await s.runUntil('height 1', () => s.allAt(1n));
    expectSafe(s);
    const sent = s.sent.find((m) => m.message.message?.case === 'vote');
    const vote = sent?.message.message;
    if (sent === undefined || vote?.case !== 'vote') throw new Error('no vote sent');
    s.sent.push({
      ...sent,
      message: { message: { case: 'vote', value: { ...vote.value, blockHash: sha256(vote.value.blockHash) } } },
    });
    s.forks.push('injected');
    const problems = s.safetyProblems();
    expect(problems).toContain('injected');
    expect(problems.some((p) => p.startsWith(`conflicting vote v${vote.value.validatorIndex} h1 r0`))).toBe(true);
  });

  it('announces the height it has just decided, not the next one, during the commit wait (P2P-4)', async () => {
    const s = await start(4);
    await s.runUntil('height 3', () => s.allAt(3n));
    const commitSteps = roundSteps(s).filter((r) => r.step === Step.COMMIT);
    expect(commitSteps.length).toBeGreaterThanOrEqual(12);
    for (const r of commitSteps) expect(r.round).toBe(0);
    expect(new Set(commitSteps.map((r) => r.height))).toEqual(new Set([1n, 2n, 3n]));
  });

  it('halts right after deciding the height before an upgrade it cannot run, without the commit wait (UPG-4)', async () => {
    sim = await Sim.start({ validators: 4, commitWaitMs: 900, haltAt: 4n });
    const s = sim;
    await s.runUntil('every node halted', () => s.nodes.every((n) => n.halted !== undefined));
    await s.runFor(3000);
    for (const n of s.nodes) {
      expect(n.halted?.height, n.id).toBe(4n);
      expect(n.commits.has(4n), n.id).toBe(false);
      // Decided 3, then halted in the same virtual instant: not 900 ms later.
      expect(n.halted?.atMs, n.id).toBe(n.commits.get(3n)?.atMs);
    }
  });

  // ---------------------------------------------------------------------------------------------------------
  // Regressions: each of these failed against the first version of the driver.
  // ---------------------------------------------------------------------------------------------------------

  it('logs each consumed message once, not every re-received duplicate (CONS-10)', async () => {
    const s = await start(4);
    await s.runUntil('height 2', () => s.allAt(2n));
    const [a, b, c, d] = s.nodes as [SimNode, SimNode, SimNode, SimNode];
    s.partition([a, b], [c, d]);
    await s.runFor(15_000);
    for (const n of s.nodes) {
      const records = (await s.live(n).wal.read(3n)).map((r) => toHex(encode('babychain.v0.WalRecord', r)));
      expect(new Set(records).size, `${n.id}: ${records.length} records`).toBe(records.length);
    }
  });

  it('stops block sync once closed', async () => {
    const s = await start(4);
    await s.runUntil('height 2', () => s.allAt(2n));
    const x = s.node(3);
    s.isolate(x);
    await s.runUntil('the others 4 heights on', () => s.allAt(6n, s.nodes.slice(0, 3)));
    let afterClose = -1;
    s.interceptBlocks = (from, _to, response) => {
      if (from !== x) return response;
      if (afterClose < 0) {
        afterClose = 0;
        void s.live(x).driver.close();
      } else if (++afterClose > 20) {
        throw new Error('still asking after 20 requests'); // ends the loop
      }
      return response;
    };
    s.heal();
    await s.runFor(3000);
    expect(afterClose).toBe(0);
  });

  it('re-enters consensus after a sync batch that fails part-way (P2P-5)', async () => {
    const s = await start(4);
    await s.runUntil('height 2', () => s.allAt(2n));
    const [a, b, c, x] = s.nodes as [SimNode, SimNode, SimNode, SimNode];
    s.isolate(x);
    await s.runUntil('the others 4 heights on', () => s.allAt(6n, [a, b, c]));
    s.crash(c); // from now on a and b need x to decide
    let tampered = false;
    s.interceptBlocks = (from, _to, response) => {
      const last = response.blocks[response.blocks.length - 1];
      if (from !== x || tampered || last?.block?.header === undefined || last.commit === undefined) return response;
      tampered = true;
      // a byzantine peer: honest blocks, then one more that does not verify
      const header = { ...last.block.header, height: last.block.header.height + 1n };
      const bogus = { block: { ...last.block, header }, commit: { ...last.commit, height: header.height } };
      return { ...response, blocks: [...response.blocks, bogus] };
    };
    s.heal();
    await s.runUntil('the bogus block to be served', () => tampered);
    await s.runUntil('a, b and x decide height 7', () => s.allAt(7n, [a, b, x]), 30_000);
  });
});

// Faults F6 and F7 (docs/architecture.md): every node killed while transfers flow, and a validator restarted on a damaged
// WAL. Each ends with the safety check.

import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import {
  all,
  disposeDevnet,
  except,
  expectSafe,
  log,
  logsOnFailure,
  newAccount,
  reach,
  secs,
  sleep,
  started,
  TRANSFER_AMOUNT,
  TRANSFER_FEE,
  TransferLoop,
  tip,
  waitFor,
} from './helpers.ts';

describe('scenario 6: kill -9 every node while transfers flow', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('keeps every acknowledged transfer at its height on all nodes, with consistent balances', async () => {
    logsOnFailure(() => devnet);
    const pairs = Array.from({ length: 3 }, () => ({ from: newAccount(), to: newAccount() }));
    const initial = 1_000_000_000n;
    devnet = await started({ accounts: pairs.map((p) => ({ address: p.from.address, balance: initial })) });
    const d = devnet;
    const loop = new TransferLoop(d, pairs);
    loop.start();
    let killAt = 0;
    let heightAtKill = 0;
    try {
      await waitFor(() => loop.acked.length >= 12, { timeoutMs: 40_000, message: '12 committed transfers' });
      const afterCommit = Math.random() < 0.5;
      if (afterCommit) {
        // right after a commit: the moment node 0's height moves
        const [h] = await d.heights([0]);
        await waitFor(async () => ((await d.heights([0]))[0] ?? 0) > (h ?? 0), { timeoutMs: 10_000, intervalMs: 10 });
      } else {
        await sleep(Math.floor(Math.random() * 1000));
      }
      heightAtKill = await tip(d);
      killAt = Date.now();
      await d.killAll();
      log(
        '6',
        `killed all 4 ${afterCommit ? 'right after a commit' : 'at a random moment'} near height ${heightAtKill}`,
      );
    } finally {
      await loop.stop();
    }
    const acked = loop.acked.filter((a) => a.at < killAt);
    log(
      '6',
      `${acked.length} transfers acknowledged as committed before the kill (${loop.submitted.length} submitted)`,
    );
    expect(acked.length).toBeGreaterThanOrEqual(12);

    const restartAt = Date.now();
    d.startAll();
    await reach(d, heightAtKill + 5, all(d), 60_000);
    log('6', `5 blocks past the kill height on all ${secs(Date.now() - restartAt)} after the restart`);

    for (const tx of acked) {
      for (const i of all(d)) {
        const found = await d.rpc(i).tx(tx.id);
        expect(found, `transfer ${tx.id} (nonce ${tx.nonce}) on node ${i}`).not.toBeNull();
        expect(Number(found?.height ?? 0n), `height of ${tx.id} on node ${i}`).toBe(tx.height);
      }
    }
    for (const pair of pairs) {
      const senders = await Promise.all(all(d).map((i) => d.rpc(i).account(pair.from.address)));
      const receivers = await Promise.all(all(d).map((i) => d.rpc(i).account(pair.to.address)));
      const nonce = (senders[0] as { nonce: bigint }).nonce;
      for (const s of senders)
        expect({ nonce: s.nonce, balance: s.balance }).toEqual({
          nonce,
          balance: initial - nonce * (TRANSFER_AMOUNT + TRANSFER_FEE),
        });
      for (const r of receivers) expect(r.balance).toBe(nonce * TRANSFER_AMOUNT);
      for (const tx of acked.filter((a) => a.from === pair.from.address)) expect(tx.nonce).toBeLessThan(nonce);
    }
    await expectSafe(d);
  }, 180_000);
});

/** The newest WAL file of a home: the highest-numbered `*.wal` in data/consensus/wal. */
function newestWal(home: string): string {
  const dir = join(home, 'data', 'consensus', 'wal');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.wal'))
    .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')) || a.localeCompare(b));
  const last = files.at(-1);
  if (last === undefined) throw new Error(`no WAL file in ${dir}`);
  return join(dir, last);
}

describe('scenario 7: damaged WAL tail', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  for (const damage of ['truncated', 'garbage appended'] as const) {
    it(`a validator with a ${damage} WAL recovers or refuses to start with a clear error; no equivocation`, async () => {
      await disposeDevnet(devnet);
      logsOnFailure(() => devnet);
      devnet = await started();
      const d = devnet;
      await reach(d, 5, all(d), 30_000);
      const victim = 1;
      const others = except(d, victim);
      await d.kill(victim);
      const wal = newestWal(d.node(victim).home);
      const size = statSync(wal).size;
      if (damage === 'truncated') {
        const cut = 1 + Math.floor(Math.random() * Math.min(size, 512));
        truncateSync(wal, size - cut);
        log('7', `${wal}: ${size} bytes, cut ${cut}`);
      } else {
        const garbage = crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * 64)));
        appendFileSync(wal, garbage);
        log('7', `${wal}: ${size} bytes, appended ${garbage.length} random bytes`);
      }
      const logFrom = statSync(d.node(victim).log).size;
      const restartAt = Date.now();
      d.start(victim);
      const outcome = await waitFor(
        async () => {
          if (d.exitInfo(victim) !== null) return 'exited';
          const [mine, ...theirs] = await d.heights([victim, ...others]);
          const top = Math.max(...theirs.filter((h) => h !== null));
          return mine !== null && mine !== undefined && mine >= top - 1 ? 'caught up' : null;
        },
        { timeoutMs: 30_000, intervalMs: 250, message: `node ${victim} to catch up or exit` },
      );
      if (outcome === 'exited') {
        const exit = d.exitInfo(victim);
        const output = readFileSync(d.node(victim).log, 'utf8').slice(logFrom);
        log(
          '7',
          `node ${victim} refused to start after ${secs(Date.now() - restartAt)}: exit ${exit?.code}, ${output.match(/error [A-Z_]+: .*/)?.[0]}`,
        );
        expect(exit?.code).not.toBe(0);
        expect(exit?.code).not.toBeNull();
        expect(output).toMatch(/error (CONS|STATE)_[A-Z0-9_]+: /);
        const h = await tip(d, others);
        await reach(d, h + 2, others, 30_000);
        await expectSafe(d, 3);
      } else {
        log('7', `node ${victim} recovered and caught up ${secs(Date.now() - restartAt)} after restart`);
        await expectSafe(d);
      }
    }, 120_000);
  }
});

// A fresh 4-validator devnet at the default block time (commit wait 900 ms, ~1 s blocks).
import { afterAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import { all, disposeDevnet, expectSafe, log, logsOnFailure, reach, secs, tmpDevnet } from './helpers.ts';

describe('clean start', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('commits 25 blocks within 40 s of start with ~1 s blocks and equal hashes everywhere', async () => {
    logsOnFailure(() => devnet);
    devnet = await tmpDevnet({ validators: 4, commitWaitMs: 900 });
    const t0 = Date.now();
    devnet.startAll();
    await reach(devnet, 25, all(devnet), 40_000);
    log('clean start', `25 blocks on all 4 after ${secs(Date.now() - t0)}`);

    const blocks = await devnet.rpc(0).blocks(5n, 25n);
    const gaps = blocks.slice(1).map((b, k) => Number(b.timeMs - (blocks[k] as { timeMs: bigint }).timeMs));
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number;
    const status = await devnet.rpc(0).status();
    log('clean start', `block time: median ${median} ms (block times), status p50 ${status.blockTimeMs.p50} ms`);
    expect(median).toBeGreaterThanOrEqual(700);
    expect(median).toBeLessThanOrEqual(1500);
    expect(status.blockTimeMs.p50).toBeGreaterThanOrEqual(700);
    expect(status.blockTimeMs.p50).toBeLessThanOrEqual(1500);

    expect(await expectSafe(devnet)).toBeGreaterThanOrEqual(25);
  }, 90_000);
});

// A full node joining after 200 fast blocks syncs from genesis and agrees on every hash.
import { afterAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import { all, catchUp, disposeDevnet, expectSafe, log, logsOnFailure, reach, secs, tmpDevnet } from './helpers.ts';

describe('sync after 200 blocks', () => {
  let devnet: Devnet | undefined;
  afterAll(() => disposeDevnet(devnet), 30_000);

  it('a fresh full node syncs to the tip within 60 s and agrees on every hash', async () => {
    logsOnFailure(() => devnet);
    devnet = await tmpDevnet({ validators: 4, commitWaitMs: 50 });
    const t0 = Date.now();
    devnet.startAll();
    await reach(devnet, 200, all(devnet), 150_000);
    log('sync', `200 blocks after ${secs(Date.now() - t0)}`);
    const validators = all(devnet);

    const full = await devnet.addFullNode();
    devnet.start(full);
    log('sync', `full node ${full} at the tip ${secs(await catchUp(devnet, full, validators, 60_000))} after start`);
    const status = await devnet.rpc(full).status();
    expect(status.validator).toBeNull();
    expect(status.height).toBeGreaterThanOrEqual(200n);
    expect(await expectSafe(devnet)).toBeGreaterThanOrEqual(200);
  }, 240_000);
});

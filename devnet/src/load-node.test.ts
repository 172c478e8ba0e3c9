import { rmSync } from 'node:fs';
import { BabyClient, type BlockEvent } from '@babychain/client';
import { BabyNode } from '@babychain/node';
import { makeValidatorHome } from '@babychain/test-utils';
import { createLogger } from '@babychain/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccounts, prepareTransfers, runLoad } from './load.ts';

const CHAIN = 'load-test-1';
const accounts = loadAccounts(20);
let home: string;
let node: BabyNode;
let client: BabyClient;

beforeAll(async () => {
  ({ home } = await makeValidatorHome({
    chainId: CHAIN,
    accounts: accounts.map((a) => ({ address: a.addressBytes, balance: 1_000_000n })),
    commitWaitMs: 50,
  }));
  node = await BabyNode.open({ home, logger: createLogger({ level: 'silent' }) });
  client = new BabyClient({ url: node.rpcUrl });
}, 30_000);

afterAll(async () => {
  await node?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the load generator on a one-validator node', () => {
  it('sees every accepted transfer finalized, with the block notifications in height order', async () => {
    const seen: BlockEvent[] = [];
    const watch = client.subscribeBlocks((b) => seen.push(b));
    await watch.ready;
    const txs = prepareTransfers({ chainId: CHAIN, accounts, ratePerS: 100, durationS: 2, fee: 1_000n });
    const result = await runLoad({ txs, clients: [client], watch: client, batchSize: 16, drainMs: 15_000 });
    watch.close();
    expect(result.rejected).toEqual({});
    expect([result.submitted, result.accepted, result.finalized]).toEqual([200, 200, 200]);
    expect(result.latency.p50Ms).toBeGreaterThan(0);
    const heights = seen.map((b) => b.height);
    expect(heights.length).toBeGreaterThan(1);
    heights.forEach((h, i) => {
      if (i > 0) expect(h).toBe((heights[i - 1] as bigint) + 1n);
    });
    const ids = new Set(seen.flatMap((b) => b.txIds));
    for (const tx of txs) expect(ids.has(tx.id)).toBe(true);
  }, 30_000);

  it('refuses a forged transfer in a batch with TX_BAD_SIGNATURE and admits the rest', async () => {
    const [good, bad] = prepareTransfers({
      chainId: CHAIN,
      accounts,
      ratePerS: 2,
      durationS: 1,
      fee: 1_000n,
      startNonces: await Promise.all(accounts.map(async (a) => (await client.account(a.address)).nonce)),
    }).map((t) => t.bytes) as [Uint8Array, Uint8Array];
    const forged = Uint8Array.from(bad);
    forged[forged.length - 1] = (forged.at(-1) as number) ^ 1;
    const entries = await client.submitBatch([good, forged]);
    expect(entries[0]).not.toHaveProperty('error');
    expect(entries[1]).toMatchObject({ error: { code: 'TX_BAD_SIGNATURE' } });
  });

  it('tells a subscriber that the node went away', async () => {
    const gone = await new Promise<Error>((resolve) => {
      const sub = client.subscribeBlocks(() => {}, { onError: resolve });
      void sub.ready.then(() => node.close());
    });
    expect(gone).toMatchObject({ code: 'CLIENT_UNREACHABLE' });
  });
});

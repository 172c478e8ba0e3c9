// The crash test's child process (crash.test.ts): opens the App, with the toy governance, on a directory and commits
// blocks of random transfers and now and then a governance action (signalReady, counted in the governance record) as
// fast as it can, printing each committed height on its own line once commit() has returned.
// Usage: node crash-child.testutil.ts <dir> <seed>

import { SeededRandom } from '@babychain/test-utils';
import { assembleBlock, crashGenesis, crashKeys, signedTransfer, TEST_CHAIN } from './app.testutil.ts';
import { App } from './app.ts';
import { ready, signedAction, ToyGovernance } from './governance.testutil.ts';

const [dir, seedArg] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: crash-child.testutil.ts <dir> <seed>');
const random = new SeededRandom(Number(seedArg ?? 1));
const pick = (n: number): number => random.int(n);

const keys = crashKeys();
const genesis = crashGenesis();
const app = await App.open({ db: dir, genesis, governance: new ToyGovernance({ genesis }) });
const nonces = await Promise.all(keys.map(async (k) => (await app.account(k.address)).account?.nonce ?? 0n));
const minFee = app.params.minFee;

for (;;) {
  const info = app.info();
  const txs: Uint8Array[] = [];
  const count = 1 + pick(40);
  for (let i = 0; i < count; i++) {
    const from = pick(keys.length);
    let to = pick(keys.length - 1);
    if (to >= from) to++;
    const sender = keys[from] as (typeof keys)[0];
    const fee = minFee + BigInt(pick(100));
    const nonce = nonces[from] as bigint;
    txs.push(
      pick(8) === 0
        ? signedAction({ from: sender, action: ready(), fee, nonce, chainId: TEST_CHAIN })
        : signedTransfer({
            from: sender,
            to: (keys[to] as (typeof keys)[0]).address,
            amount: BigInt(1 + pick(1_000_000)),
            fee,
            nonce,
            chainId: TEST_CHAIN,
          }),
    );
    nonces[from] = (nonces[from] as bigint) + 1n;
  }
  // A proposer outside the funded set now and then, so fee credits create accounts too.
  const proposer =
    pick(4) === 0 ? new Uint8Array(20).fill(pick(256)) : (keys[pick(keys.length)] as (typeof keys)[0]).address;
  const prepared = await app.prepareProposal({
    height: info.height + 1n,
    timeMs: 1_000n + (info.height + 1n) * 1_000n,
    proposerAddress: proposer,
    candidates: txs,
  });
  if (prepared.txs.length !== txs.length)
    throw new Error(`crash child: ${txs.length - prepared.txs.length} txs failed`);
  const block = assembleBlock(
    app,
    { txs, proposer, timeMs: 1_000n + (info.height + 1n) * 1_000n },
    prepared.txRoot,
    prepared.appHash,
  );
  await app.finalizeBlock(block);
  const { height } = await app.commit();
  process.stdout.write(`${height}\n`);
}

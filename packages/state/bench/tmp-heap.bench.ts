// State machine benchmark (a script, not a test): 100k accounts funded at genesis, then 100k signed transfers
// among them in blocks of 2 000 through the real app path (processProposal, finalizeBlock, commit) on LevelDB
// directories under os.tmpdir(). Prints one JSON object.
//
//   node packages/state/bench/state.bench.ts            (pnpm bench:state)
//   BENCH_ACCOUNTS=20000 BENCH_TXS=20000 node packages/state/bench/state.bench.ts   (a quicker run)
//
// Phases: a proposer app builds the blocks (prepareProposal); a fresh validator app then applies them, verifying
// every signature ("withSignatures"); a second fresh validator first runs checkTx on each block's transactions, as
// its mempool would have, so block execution finds them already checked ("withoutSignatures"); the checkTx time
// is reported on its own. A plain loop of checkTxBytes gives the stateless (signature-dominated) rate alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '@babychain/codec';
import type { TestKey } from '../src/app.testutil.ts';
import { assembleBlock, signedTransfer, testKey } from '../src/app.testutil.ts';
import { App } from '../src/app.ts';
import { createDevGenesis } from '../src/genesis.ts';
import { checkTxBytes } from '../src/stateless.ts';

const ACCOUNTS = Number(process.env['BENCH_ACCOUNTS'] ?? 100_000);
const TXS = Number(process.env['BENCH_TXS'] ?? 100_000);
const BLOCK_TXS = Number(process.env['BENCH_BLOCK_TXS'] ?? 2_000);
const SYNC = process.env['BENCH_SYNC'] !== '0';
const CHAIN = 'babychain-bench-1';

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const since = (t: number) => performance.now() - t;
const log = (msg: string) => process.stderr.write(`[bench:state] ${msg}\n`);
const rssMB: Record<string, number> = {};
const rss = (phase: string) => {
  (globalThis as unknown as {gc: () => void}).gc(); rssMB[phase] = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
};

const root = mkdtempSync(join(tmpdir(), 'babychain-state-bench-'));
try {
  // --- setup (not measured) ---------------------------------------------------------------------------------
  let t = performance.now();
  const keys: TestKey[] = Array.from({ length: ACCOUNTS }, (_, i) => testKey(i, 'babychain bench key'));
  const keysMs = since(t);
  const genesis = createDevGenesis({
    chainId: CHAIN,
    genesisTimeMs: 1_000n,
    accounts: keys.map((k) => ({ address: k.address, balance: 1_000_000_000n })),
    validators: [{ name: 'validator-0', publicKey: testKey(0, 'bench validator').publicKey, power: 1n }],
    params: { minFee: 1n, maxBlockTxs: BLOCK_TXS, maxBlockBytes: 4_194_304n },
  });
  t = performance.now();
  // Each transfer has its own sender while TXS <= ACCOUNTS; beyond that senders repeat with rising nonces.
  const nonces = new Array<bigint>(ACCOUNTS).fill(0n);
  const txs: Uint8Array[] = [];
  for (let i = 0; i < TXS; i++) {
    const from = i % ACCOUNTS;
    const to = (from + 1 + ((i * 7919) % (ACCOUNTS - 1))) % ACCOUNTS;
    txs.push(
      signedTransfer({
        from: keys[from] as TestKey,
        to: (keys[to] as TestKey).address,
        amount: BigInt(1 + (i % 1000)),
        fee: 1n + BigInt(i % 3),
        nonce: nonces[from] as bigint,
        chainId: CHAIN,
      }),
    );
    nonces[from] = (nonces[from] as bigint) + 1n;
  }
  const signMs = since(t);
  log(`${ACCOUNTS} keys in ${round(keysMs)} ms, ${TXS} signed transfers in ${round(signMs)} ms`);
  rss('afterSetup');
  const proposerAddress = testKey(1, 'bench proposer').address;
  const blockCount = Math.ceil(TXS / BLOCK_TXS);

  // --- stateless rules alone ----------------------------------------------------------------------------------
  t = performance.now();
  for (const bytes of txs) checkTxBytes(bytes, CHAIN);
  const statelessMs = since(t);

  // --- the proposer builds the blocks -------------------------------------------------------------------------
  const open = async (name: string) => {
    const start = performance.now();
    const app = await App.open({ db: join(root, name), genesis, sync: SYNC });
    const genesisInitMs = since(start);
    rss(`afterGenesisInit.${name}`);
    return { app, genesisInitMs };
  };
  const proposer = await open('proposer');
  const blocks: Block[] = [];
  t = performance.now();
  for (let b = 0; b < blockCount; b++) {
    const candidates = txs.slice(b * BLOCK_TXS, (b + 1) * BLOCK_TXS);
    const info = proposer.app.info();
    const timeMs = 1_000n + (info.height + 1n) * 1_000n;
    const prepared = await proposer.app.prepareProposal({
      height: info.height + 1n,
      timeMs,
      proposerAddress,
      candidates,
    });
    if (prepared.txs.length !== candidates.length) throw new Error(`block ${b}: ${prepared.skipped.length} skipped`);
    const block = assembleBlock(
      proposer.app,
      { txs: prepared.txs, proposer: proposerAddress, timeMs },
      prepared.txRoot,
      prepared.appHash,
    );
    await proposer.app.finalizeBlock(block);
    await proposer.app.commit();
    blocks.push(block);
  }
  const proposeMs = since(t);
  const finalHash = proposer.app.info().appHash;
  await proposer.app.close();
  rss('afterProposer');
  log(`proposer built ${blocks.length} blocks in ${round(proposeMs)} ms`);

  // --- validators apply them ----------------------------------------------------------------------------------
  const validate = async (name: string, precheck: boolean) => {
    const { app, genesisInitMs } = await open(name);
    let checkTxMs = 0;
    let applyMs = 0;
    const perBlock: number[] = [];
    for (const block of blocks) {
      if (precheck) {
        const c = performance.now();
        for (const bytes of block.txs) await app.checkTx(bytes);
        checkTxMs += since(c);
      }
      const a = performance.now();
      await app.processProposal(block);
      await app.finalizeBlock(block);
      await app.commit();
      const ms = since(a);
      applyMs += ms;
      perBlock.push(ms);
    }
    if (Buffer.compare(app.info().appHash, finalHash) !== 0) throw new Error(`${name}: final app hash differs`);
    const m = app.metrics;
    await app.close();
    perBlock.sort((x, y) => x - y);
    const n = blocks.length;
    return {
      transfersPerSecond: Math.round(TXS / (applyMs / 1000)),
      blockMs: {
        mean: round(applyMs / n),
        p50: round(perBlock[Math.floor(n / 2)] ?? 0),
        max: round(perBlock[n - 1] ?? 0),
      },
      perBlockMs: {
        precheck: round(m.precheckMs / n),
        readAccounts: round(m.accountsMs / n),
        execute: round(m.executeMs / n),
        rootUpdate: round(m.rootMs / n),
        commit: round(m.commitMs / n),
      },
      checkedCacheHits: m.checkedCacheHits,
      tree: m.tree,
      genesisInitMs: Math.round(genesisInitMs),
      ...(precheck ? { checkTxPerSecond: Math.round(TXS / (checkTxMs / 1000)) } : {}),
    };
  };
  const withSignatures = await validate('validator-a', false);
  rss('afterValidatorA');
  log(`with signatures: ${withSignatures.transfersPerSecond} transfers/s`);
  const withoutSignatures = await validate('validator-b', true);
  rss('afterValidatorB');
  log(`without signatures: ${withoutSignatures.transfersPerSecond} transfers/s`);

  const result = {
    bench: 'state',
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    accounts: ACCOUNTS,
    transfers: TXS,
    blockTxs: BLOCK_TXS,
    blocks: blocks.length,
    fsyncPerCommit: SYNC,
    statelessChecksPerSecond: Math.round(TXS / (statelessMs / 1000)),
    proposer: {
      transfersPerSecond: Math.round(TXS / (proposeMs / 1000)),
      genesisInitMs: Math.round(proposer.genesisInitMs),
    },
    withSignatures,
    withoutSignatures,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    rssMB,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(root, { recursive: true, force: true });
}

/**
 * Prints the state tree's costs: build 100k accounts in batches, then blocks of 2 000 changed accounts (90 %
 * existing, 10 % new): computeUpdate ms, node writes, hashes and store reads per block; then prove and verify
 * throughput, and the share of SHA-256 in an update. Not a test.
 *
 *   pnpm exec node packages/state/src/tree/bench.ts [--disk] [--accounts 100000] [--cache 200000]
 *
 * --disk uses LevelDB (classic-level) in a temporary directory instead of memory-level.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Account } from '@babychain/codec';
import { sha256, toHex } from '@babychain/codec';
import { SeededRandom } from '@babychain/test-utils';
import { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import { accountKey, EMPTY_HASH, valueHash } from './hash.ts';
import { verifyStateProof } from './proof.ts';
import { testAddress } from './tree.testutil.ts';
import { StateTree, type TreeUpdate } from './tree.ts';

const { values } = parseArgs({
  options: {
    disk: { type: 'boolean', default: false },
    accounts: { type: 'string', default: '100000' },
    cache: { type: 'string', default: '200000' },
    blocks: { type: 'string', default: '10' },
  },
});
const N = Number(values.accounts);
const CACHE = Number(values.cache);
const BLOCKS = Number(values.blocks);
const BLOCK = 2_000;
const BUILD_BATCH = 10_000;

type Db = MemoryLevel<Uint8Array, Uint8Array> | Level<Uint8Array, Uint8Array>;
const dir = values.disk ? mkdtempSync(join(tmpdir(), 'babychain-tree-bench-')) : '';
const db: Db = values.disk
  ? new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  : new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' });
await db.open();

const random = new SeededRandom(1);
const ms = (t0: number): number => performance.now() - t0;
const fmt = (x: number, digits = 1): string => x.toFixed(digits);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function write(update: TreeUpdate): Promise<number> {
  const t0 = performance.now();
  await db.batch(update.writes.map((w) => (w.type === 'put' ? { type: 'put', key: w.key, value: w.value } : w)));
  return ms(t0);
}

// SHA-256 of a 65-byte node, alone, to weigh hashing in the update times below.
const node = new Uint8Array(65).fill(7);
let t0 = performance.now();
const HASHES = 300_000;
for (let i = 0; i < HASHES; i++) sha256(node);
const usPerHash = (ms(t0) * 1000) / HASHES;
console.log(
  `sha256(65 B), @babychain/codec (OpenSSL on Node): ${fmt(1000 / usPerHash, 0)}k/s (${fmt(usPerHash, 2)} µs)`,
);

console.log(`store: ${values.disk ? `LevelDB at ${dir}` : 'memory-level'}; node cache ${CACHE} entries`);
const tree = await StateTree.open(db, EMPTY_HASH, { cacheSize: CACHE });

// Build.
const addresses: Uint8Array[] = [];
const state = new Map<string, Account>();
t0 = performance.now();
let buildCompute = 0;
let buildWrites = 0;
for (let start = 0; start < N; start += BUILD_BATCH) {
  const changes = new Map<string, Uint8Array>();
  for (let i = start; i < Math.min(N, start + BUILD_BATCH); i++) {
    const address = testAddress(i, 'bench');
    addresses.push(address);
    const account = { balance: BigInt(1 + random.int(1e12)), nonce: 0n };
    state.set(toHex(address), account);
    changes.set(toHex(accountKey(address)), valueHash(account));
  }
  const t1 = performance.now();
  const update = await tree.computeUpdate(changes);
  buildCompute += ms(t1);
  buildWrites += update.writes.length;
  await write(update);
  tree.commit(update);
}
const check = await tree.check();
console.log(
  `build ${N} accounts in batches of ${BUILD_BATCH}: ${fmt(ms(t0) / 1000, 2)} s total, computeUpdate ${fmt(buildCompute / 1000, 2)} s, ` +
    `${buildWrites} node writes; tree: ${check.leaves} leaves, ${check.innerNodes} inner nodes, max depth ${check.maxDepth}`,
);

// Blocks.
const rows: { compute: number; write: number; writes: number; hashes: number; reads: number; hits: number }[] = [];
let next = N;
for (let b = 0; b < BLOCKS; b++) {
  const changes = new Map<string, Uint8Array>();
  while (changes.size < BLOCK) {
    let address: Uint8Array;
    if (random.bool(0.9)) address = addresses[random.int(addresses.length)] as Uint8Array;
    else {
      address = testAddress(next++, 'bench');
      addresses.push(address);
    }
    const account = { balance: BigInt(random.int(1e12)), nonce: BigInt(b + 1) };
    state.set(toHex(address), account);
    changes.set(toHex(accountKey(address)), valueHash(account));
  }
  const before = tree.stats;
  const t1 = performance.now();
  const update = await tree.computeUpdate(changes);
  const compute = ms(t1);
  const after = tree.stats;
  const writeMs = await write(update);
  tree.commit(update);
  rows.push({
    compute,
    write: writeMs,
    writes: update.writes.length,
    hashes: after.hashes - before.hashes,
    reads: after.storageReads - before.storageReads,
    hits: after.cacheHits - before.cacheHits,
  });
}
const avg = (f: (r: (typeof rows)[number]) => number): number => rows.reduce((s, r) => s + f(r), 0) / rows.length;
console.log(`\n${BLOCKS} blocks of ${BLOCK} changed accounts (~10 % new):`);
console.log(' block  compute ms  batch ms  node writes  hashes  store reads  cache hits');
rows.forEach((r, i) => {
  console.log(
    `${String(i).padStart(6)}  ${fmt(r.compute).padStart(10)}  ${fmt(r.write).padStart(8)}  ${String(r.writes).padStart(11)}` +
      `  ${String(r.hashes).padStart(6)}  ${String(r.reads).padStart(11)}  ${String(r.hits).padStart(10)}`,
  );
});
const hashShare = (avg((r) => r.hashes) * usPerHash) / 1000 / avg((r) => r.compute);
console.log(
  `mean: computeUpdate ${fmt(avg((r) => r.compute))} ms (median ${fmt(median(rows.map((r) => r.compute)))}), ` +
    `batch write ${fmt(avg((r) => r.write))} ms, ${fmt(
      avg((r) => r.writes),
      0,
    )} node writes, ${fmt(
      avg((r) => r.hashes),
      0,
    )} hashes ` +
    `(~${fmt(hashShare * 100, 0)} % of computeUpdate at the measured hash rate), ${fmt(
      avg((r) => r.reads),
      0,
    )} store reads`,
);

// Proofs.
const P = 20_000;
const keys = Array.from({ length: P }, (_, i) => accountKey(addresses[(i * 7919) % addresses.length] as Uint8Array));
t0 = performance.now();
const proofs = [];
for (const k of keys) proofs.push(await tree.prove(k));
const proveMs = ms(t0);
const root = tree.root;
t0 = performance.now();
for (let i = 0; i < P; i++) {
  const address = addresses[(i * 7919) % addresses.length] as Uint8Array;
  verifyStateProof(root, address, state.get(toHex(address)) as Account, proofs[i] as (typeof proofs)[number]);
}
const verifyMs = ms(t0);
const meanSiblings = proofs.reduce((s, p) => s + p.siblings.length, 0) / P;
console.log(
  `\nprove: ${fmt((P / proveMs) * 1000, 0)}/s (warm cache); verify: ${fmt((P / verifyMs) * 1000, 0)}/s; ` +
    `${fmt(meanSiblings)} siblings on average`,
);

const cold = await StateTree.open(db, root, { cacheSize: 0 });
t0 = performance.now();
for (const k of keys.slice(0, 5_000)) await cold.prove(k);
console.log(`prove without cache: ${fmt((5_000 / ms(t0)) * 1000, 0)}/s`);

t0 = performance.now();
const verified = await StateTree.open(db, root, { verify: true });
console.log(`open with verify (full walk, ${check.leaves + check.innerNodes}+ nodes): ${fmt(ms(t0))} ms`);
void verified;
console.log(`heap used: ${fmt(process.memoryUsage().heapUsed / 2 ** 20, 0)} MiB`);

await db.close();
if (values.disk) rmSync(dir, { recursive: true, force: true });

/**
 * Prints mempool throughput numbers. Not a test.
 *
 *   pnpm exec node packages/mempool/bench/mempool.bench.ts [txs=20000] [senders=2000]
 *
 * Admission is timed twice: with the stateless checks (decode + ed25519 verify: the bulk of the cost) and with them
 * done beforehand, which leaves the pool's own work (hashing, stateful checks, ordering, limits).
 */

import { encode, sha256, type TxBody, toHex, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import { type CheckedTx, checkTxBytes } from '@babychain/state';
import { SeededRandom } from '@babychain/test-utils';
import { type Account, type AccountView, Mempool, type MempoolOptions } from '../src/index.ts';

const CHAIN = 'babychain-bench';
const TXS = Number(process.argv[2] ?? 20_000);
const SENDERS = Number(process.argv[3] ?? 2_000);
const PER_SENDER = Math.ceil(TXS / SENDERS);

class View implements AccountView {
  readonly accounts = new Map<string, Account>();
  minFee = 1n;
  account(address: Uint8Array): Account {
    return this.accounts.get(toHex(address)) ?? { balance: 0n, nonce: 0n };
  }
}

/** seeded, so runs are comparable */
const random = new SeededRandom(0x9e3779b9);

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function line(label: string, value: string): void {
  console.log(`${label.padEnd(58)} ${value}`);
}

function makeTxs(label: string, feeBase: bigint, view = new View()): { bytes: Uint8Array[]; view: View } {
  const bytes: Uint8Array[] = [];
  const sink = addressFromPublicKey(publicKeyFromSeed(sha256(new TextEncoder().encode('sink'))));
  for (let s = 0; s < SENDERS; s++) {
    const seed = sha256(new TextEncoder().encode(`bench sender ${label} ${s}`));
    const publicKey = publicKeyFromSeed(seed);
    view.accounts.set(toHex(addressFromPublicKey(publicKey)), { balance: 10n ** 15n, nonce: 0n });
    for (let n = 0; n < PER_SENDER && bytes.length < TXS; n++) {
      const body: TxBody = {
        chainId: CHAIN,
        signer: { key: { case: 'ed25519', value: publicKey } },
        nonce: BigInt(n),
        fee: feeBase + BigInt(random.int(1000)),
        memo: random.bool(0.2) ? 'm'.repeat(random.int(64)) : '',
        action: { case: 'transfer', value: { to: sink, amount: 1000n + BigInt(s) } },
      };
      const signature = sign(seed, txSignBytes(body));
      bytes.push(encode('babychain.v0.Tx', { body, signatures: [{ keyIndex: 0, signature }] }));
    }
  }
  return { bytes, view };
}

function admit(pool: Mempool, txs: readonly Uint8Array[]): number {
  const start = process.hrtime.bigint();
  for (const tx of txs) pool.add(tx);
  return ms(start);
}

function median(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(ms(start));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
}

const rate = (count: number, millis: number) => `${Math.round((count / millis) * 1000).toLocaleString('en')}/s`;

console.log(`node ${process.version}: ${TXS} txs from ${SENDERS} senders (${PER_SENDER} nonces each)\n`);
let start = process.hrtime.bigint();
const { bytes, view } = makeTxs('first', 1n);
line('sign and encode (setup, not the pool)', `${ms(start).toFixed(0)} ms`);
const totalBytes = bytes.reduce((n, b) => n + b.length, 0);
line('average tx size', `${(totalBytes / bytes.length).toFixed(0)} B`);

start = process.hrtime.bigint();
const checked = new Map<Uint8Array, CheckedTx>();
for (const tx of bytes) checked.set(tx, checkTxBytes(tx, CHAIN));
const checkMs = ms(start);
line('checkTxBytes alone (decode + TX-5..TX-12 + ed25519)', rate(bytes.length, checkMs));

const precheckedOptions = (extra: Partial<MempoolOptions> = {}): MempoolOptions => ({
  chainId: CHAIN,
  view,
  maxTxs: TXS,
  app: { checkTxStateless: (tx) => checked.get(tx) as CheckedTx },
  ...extra,
});

const inOrder = bytes;
const shuffled = random.shuffle([...bytes]);

const full = new Mempool({ chainId: CHAIN, view, maxTxs: TXS });
const fullMs = admit(full, shuffled);
line('add(), full checks, random arrival order', `${rate(bytes.length, fullMs)} (${fullMs.toFixed(0)} ms)`);

const poolOnly = new Mempool(precheckedOptions());
const poolOnlyMs = admit(poolOnly, inOrder);
line('add(), stateless checks done beforehand, nonce order', `${rate(bytes.length, poolOnlyMs)}`);
const gapped = new Mempool(precheckedOptions());
const gappedMs = admit(gapped, shuffled);
const stats = gapped.stats();
line('add(), stateless checks done beforehand, random order', `${rate(bytes.length, gappedMs)}`);
line('  -> after random order', `${stats.pendingTxs} pending, ${stats.queuedTxs} queued`);

const all = median(9, () => gapped.reap({ maxTxs: TXS }));
line(`reap all ${TXS}`, `${all.toFixed(2)} ms`);
const block = median(9, () => gapped.reap({ maxTxs: 5_000 }));
line('reap 5000', `${block.toFixed(2)} ms`);
const mib = median(9, () => gapped.reap({ maxBytes: 1 << 20 }));
line(`reap 1 MiB (${gapped.reap({ maxBytes: 1 << 20 }).length} txs)`, `${mib.toFixed(2)} ms`);

const reaped = gapped.reap({ maxTxs: 5_000 });
const blockSize = reaped.length;
const ids = reaped.map((tx) => (checked.get(tx) as CheckedTx).id);
const next = new View();
for (const [address, account] of view.accounts) next.accounts.set(address, account);
const touched: Uint8Array[] = [];
for (const tx of reaped) {
  const c = checked.get(tx) as CheckedTx;
  const key = toHex(c.sender);
  const account = next.account(c.sender);
  next.accounts.set(key, { balance: account.balance - 10_000n, nonce: account.nonce + 1n });
  touched.push(c.sender);
}
start = process.hrtime.bigint();
const updated = gapped.update(ids, next);
line(
  `update() after a ${blockSize}-tx block, full recheck (${SENDERS} senders)`,
  `${ms(start).toFixed(2)} ms (${updated.counts.included} included)`,
);
const again = new Mempool(precheckedOptions());
admit(again, shuffled);
start = process.hrtime.bigint();
again.update(ids, next, { touched });
line(`update() after a ${blockSize}-tx block, touched senders only`, `${ms(start).toFixed(2)} ms`);

// Eviction: a pool half the size of the load, then a second wave paying more pushes the first one out.
const { bytes: richer } = makeTxs('second', 2_000n, view);
for (const tx of richer) checked.set(tx, checkTxBytes(tx, CHAIN));
const half = new Mempool(precheckedOptions({ maxTxs: Math.floor(TXS / 2) }));
for (const tx of inOrder) {
  try {
    half.add(tx);
  } catch {
    // full: expected for the second half
  }
}
let evicted = 0;
let refused = 0;
start = process.hrtime.bigint();
for (const tx of richer) {
  try {
    evicted += half.add(tx).removed?.length ?? 0;
  } catch {
    refused++;
  }
}
const evictMs = ms(start);
line(`add() into a full pool (${evicted} evicted, ${refused} refused as full)`, rate(richer.length, evictMs));

// APP-5 acceptance: SIGKILL a process that commits blocks as fast as it can, at a random moment, many times; the
// reopened store must hold every acknowledged height and a consistent state (head, tree, accounts, governance
// record, supply).
// Runs: BABYCHAIN_CRASH_RUNS (default 50), in two lanes; each lane reuses its directory for several runs, so a
// child also starts on a store that was just killed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockHash, bytesEqual, decodeTx, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import { crashGenesis } from './app.testutil.ts';
import { genesisHash, genesisSupply } from './genesis.ts';
import { decodeToyRecord, TOY_RECORD_KEY } from './governance.testutil.ts';
import { StateStore } from './store.ts';
import { accountKey, referenceRoot, StateTree, valueHash } from './tree/index.ts';

const RUNS = Number(process.env['BABYCHAIN_CRASH_RUNS'] ?? 50);
const LANES = 2;
const RUNS_PER_DIR = 5;
const CHILD = fileURLToPath(new URL('./crash-child.testutil.ts', import.meta.url));
const genesis = crashGenesis();

interface RunOutcome {
  readonly acknowledged: bigint;
  readonly printed: number;
}

/** Starts the child, kills it with SIGKILL once it has printed `killAfter` heights (plus a random few ms). */
function crashOnce(dir: string, seed: number, killAfter: number): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acknowledged = -1n;
    let printed = 0;
    let pending = '';
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        acknowledged = BigInt(line);
        printed++;
      }
      if (printed >= killAfter && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 8));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ acknowledged, printed });
      else reject(new Error(`crash child exited by itself (code ${code}): ${stderr}`));
    });
  });
}

async function audit(dir: string, acknowledged: bigint): Promise<bigint> {
  const store = await StateStore.open(dir);
  try {
    const head = await store.head();
    if (head === undefined) throw new Error('no head after a crash');
    // Nothing acknowledged is lost.
    expect(head.height).toBeGreaterThanOrEqual(acknowledged);
    expect(genesisHash((await store.genesis()) as NonNullable<Awaited<ReturnType<StateStore['genesis']>>>)).toEqual(
      genesisHash(genesis),
    );
    // The head's block is there, is the head's, and the next one is not (never between two heights).
    if (head.height > 0n) {
      const block = await store.block(head.height);
      const header = block?.header;
      if (header === undefined) throw new Error(`block ${head.height} missing`);
      expect(toHex(blockHash(header))).toBe(toHex(head.blockHash));
      expect(toHex(header.appHash)).toBe(toHex(head.appHash));
      expect(await store.heightOfBlock(head.blockHash)).toBe(head.height);
    }
    expect(await store.block(head.height + 1n)).toBeUndefined();
    // The stored tree reproduces the head's app hash, node by node, in canonical shape.
    const tree = await StateTree.open(store.treeReader, head.appHash, { verify: true });
    expect(toHex(tree.root)).toBe(toHex(head.appHash));
    // ... and so do the stored accounts, by the literal definition; the supply is unchanged.
    const leaves: (readonly [Uint8Array, Uint8Array])[] = [];
    let supply = 0n;
    for await (const [address, account] of store.allAccounts()) {
      leaves.push([accountKey(address), valueHash(account)]);
      supply += account.balance;
    }
    // The governance record is the tree's leaf (GOV-3) and counts exactly the committed blocks' signals.
    const record = await store.governanceRecord();
    if (record.length > 0) leaves.push([TOY_RECORD_KEY, sha256(record)]);
    let signals = 0;
    for (let h = 1n; h <= head.height; h++) {
      for (const tx of (await store.block(h))?.txs ?? []) {
        if (decodeTx(tx).body?.action?.case === 'signalReady') signals++;
      }
    }
    expect(decodeToyRecord(record).ready).toBe(signals);
    // The address index (RPC-16) holds exactly the committed blocks' transactions: written in their batch.
    const expected: string[] = [];
    for (let h = 1n; h <= head.height; h++) {
      for (const [index, bytes] of ((await store.block(h))?.txs ?? []).entries()) {
        const body = decodeTx(bytes).body;
        const key = body?.signer?.key;
        if (key?.case !== 'ed25519') throw new Error('the crash child signs with single keys');
        const sender = toHex(addressFromPublicKey(key.value));
        const id = toHex(sha256(bytes));
        expected.push(`${sender}:${h}:${index}:${id}:sent`);
        const to = body?.action?.case === 'transfer' ? toHex(body.action.value.to) : sender;
        if (to !== sender) expected.push(`${to}:${h}:${index}:${id}:received`);
      }
    }
    const indexed: string[] = [];
    for await (const [address] of store.allAccounts()) {
      for (const e of await store.history(address, { limit: 1_000_000 })) {
        indexed.push(`${toHex(address)}:${e.height}:${e.index}:${toHex(e.id)}:${e.direction}`);
      }
    }
    expect(indexed.sort()).toEqual(expected.sort());
    expect(bytesEqual(referenceRoot(leaves), head.appHash)).toBe(true);
    expect(supply).toBe(genesisSupply(genesis));
    return head.height;
  } finally {
    await store.close();
  }
}

async function lane(lane: number, runs: number, log: string[], ahead: { count: number }): Promise<void> {
  let dir = '';
  try {
    for (let run = 0; run < runs; run++) {
      if (run % RUNS_PER_DIR === 0) {
        if (dir !== '') rmSync(dir, { recursive: true, force: true });
        dir = mkdtempSync(join(tmpdir(), `babychain-crash-${lane}-`));
      }
      const killAfter = 1 + Math.floor(Math.random() * 20);
      const seed = Math.floor(Math.random() * 2 ** 31);
      const { acknowledged, printed } = await crashOnce(dir, seed, killAfter);
      const height = await audit(dir, acknowledged);
      log.push(`lane ${lane} run ${run}: printed ${printed}, last ${acknowledged}, stored ${height}`);
      if (height > acknowledged) ahead.count++;
    }
  } finally {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  }
}

describe('StateStore crash safety', () => {
  it(`keeps every acknowledged block and a consistent state across ${RUNS} SIGKILLs`, async () => {
    const log: string[] = [];
    const ahead = { count: 0 };
    const started = performance.now();
    const perLane = Math.ceil(RUNS / LANES);
    await Promise.all(
      Array.from({ length: LANES }, (_, i) => lane(i, Math.min(perLane, RUNS - i * perLane), log, ahead)),
    );
    expect(log.length).toBe(RUNS);
    console.log(
      `crash test: ${RUNS} SIGKILLs in ${Math.round(performance.now() - started)} ms; in ${ahead.count} the store ` +
        'held one block more than the child had acknowledged (killed between the batch and the print)',
    );
  }, 180_000);
});

/**
 * Loaded by the fake releases' node script (fixtures.testutil.ts) when a test wants a node that signs: a real
 * double-sign guard (CONS-11) and WAL files under the fake node's data directory, so that a rollback can be
 * checked for what it keeps of them (LCH-6).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consensusFiles, DoubleSignGuard, Step } from '@babychain/consensus';

/** The fake validator's consensus key and chain (any fixed values: the guard checks only the order of steps). */
const SEED = new Uint8Array(32).fill(7);
const CHAIN = 'launcher-test';

/**
 * Signs a precommit for `height` round 0 through the guard of `dataDir`, appends "version height" to
 * `<home>/signed`, and writes the height's WAL file. Throws CONS_DOUBLE_SIGN when the guard is past it.
 */
export async function signAt(home: string, dataDir: string, height: bigint, version: string): Promise<void> {
  const files = consensusFiles(dataDir);
  mkdirSync(files.wal, { recursive: true });
  const guard = await DoubleSignGuard.open(files.lastSigned, SEED, CHAIN);
  await guard.sign({ step: Step.PRECOMMIT, height, round: 0, blockHash: new Uint8Array(32).fill(1), timeMs: 1n });
  writeFileSync(join(files.wal, `${height.toString().padStart(20, '0')}.wal`), `${version} locked at ${height}`);
  appendFileSync(join(home, 'signed'), `${version} ${height}\n`);
}

/** What the guard of `dataDir` holds, or undefined before the first signature. */
export async function lastSigned(
  dataDir: string,
): Promise<{ height: bigint; round: number; step: number } | undefined> {
  const guard = await DoubleSignGuard.open(consensusFiles(dataDir).lastSigned, SEED, CHAIN);
  return guard.last;
}

/** Whether the guard of `dataDir` would sign a prevote for another block at `height`: it must not, after it signed there. */
export async function wouldSignPrevote(dataDir: string, height: bigint): Promise<boolean> {
  const guard = await DoubleSignGuard.open(consensusFiles(dataDir).lastSigned, SEED, CHAIN);
  try {
    await guard.sign({ step: Step.PREVOTE, height, round: 0, blockHash: new Uint8Array(32).fill(2), timeMs: 2n });
    return true;
  } catch {
    return false;
  }
}

// Helpers shared by the tree tests, the vector generator and the benchmark.
import type { Account } from '@babychain/codec';
import { sha256, toHex } from '@babychain/codec';
import { MemoryLevel } from 'memory-level';
import { accountKey, valueHash } from './hash.ts';
import type { TreeWrite } from './tree.ts';

const text = new TextEncoder();

/** A deterministic 20-byte address for `n` under `label`. */
export function testAddress(n: number, label = 'babychain state tree test'): Uint8Array {
  return sha256(text.encode(`${label} ${n}`)).slice(0, 20);
}

/** The first `bits` bits of a key as a number (bits <= 32). */
function prefixOf(key: Uint8Array, bits: number): number {
  const word = (((key[0] ?? 0) << 24) | ((key[1] ?? 0) << 16) | ((key[2] ?? 0) << 8) | (key[3] ?? 0)) >>> 0;
  return bits === 0 ? 0 : word >>> (32 - bits);
}

/**
 * Two addresses whose keys share at least their first `bits` bits, found by trying addresses until two prefixes
 * collide (a birthday search: about 2^(bits/2) tries).
 */
export function sharedPrefixPair(bits: number, label = 'babychain shared prefix'): [Uint8Array, Uint8Array] {
  const seen = new Map<number, Uint8Array>();
  for (let n = 0; n < 1 << 24; n++) {
    const address = testAddress(n, label);
    const p = prefixOf(accountKey(address), bits);
    const other = seen.get(p);
    if (other !== undefined) return [other, address];
    seen.set(p, address);
  }
  throw new Error('unreachable: no collision found');
}

/** The changes map of `computeUpdate` for these accounts. */
export function changesOf(accounts: Iterable<readonly [Uint8Array, Account]>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [address, account] of accounts) out.set(toHex(accountKey(address)), valueHash(account));
  return out;
}

export type Store = MemoryLevel<Uint8Array, Uint8Array>;

export function memoryStore(): Store {
  return new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' });
}

/** What a node does with an update: one atomic batch (here without the root, which the tests keep aside). */
export async function applyWrites(db: Store, writes: readonly TreeWrite[]): Promise<void> {
  await db.batch(
    writes.map((w) => (w.type === 'put' ? { type: 'put', key: w.key, value: w.value } : { type: 'del', key: w.key })),
  );
}

/** Every key and value of the store, as hex, in key order. */
export async function dump(db: Store): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of db.iterator()) out.push(`${toHex(k)}=${toHex(v)}`);
  return out;
}

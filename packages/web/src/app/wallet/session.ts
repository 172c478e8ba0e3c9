/**
 * The unlocked key, held for the whole page rather than by a view, so that following a link to a transaction and
 * coming back does not ask for the passphrase again. Locking zeroes the seed's bytes: nothing else keeps a copy
 * (signing is given this array, and no Wallet object is made from it).
 */
import { addressFromPublicKey, DEFAULT_ADDRESS_PREFIX, encodeAddress, publicKeyFromSeed } from '@babychain/client';
import { useEffect, useState } from 'preact/hooks';

/** The console's chains use the default prefix; the node's status does not name one. */
export const PREFIX = DEFAULT_ADDRESS_PREFIX;

export interface Unlocked {
  readonly name: string;
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
}

let current: Unlocked | undefined;
const listeners = new Set<(u: Unlocked | undefined) => void>();

function set(next: Unlocked | undefined): void {
  current = next;
  for (const listener of listeners) listener(current);
}

export function keyOf(seed: Uint8Array): { address: string; publicKey: Uint8Array } {
  const publicKey = publicKeyFromSeed(seed);
  return { publicKey, address: encodeAddress(addressFromPublicKey(publicKey), PREFIX) };
}

export function unlock(name: string, seed: Uint8Array): void {
  lock();
  set({ name, seed, ...keyOf(seed) });
}

export function lock(): void {
  current?.seed.fill(0);
  set(undefined);
}

export function useSession(): Unlocked | undefined {
  const [value, setValue] = useState(current);
  useEffect(() => {
    listeners.add(setValue);
    setValue(current);
    return () => {
      listeners.delete(setValue);
    };
  }, []);
  return value;
}

// The development keyring of `pnpm start`: four well-known keys whose accounts every local devnet funds.
import { join } from 'node:path';
import { DEFAULT_ADDRESS_PREFIX, Keyring } from '@babychain/crypto';
import { REPO_ROOT } from './devnet.ts';

/** Where `pnpm start` keeps everything: the keyring and the devnet. Ignored by git. */
export const DEV_HOME = join(REPO_ROOT, '.babychain-dev');
export const DEV_KEYRING = join(DEV_HOME, 'keyring');
export const DEV_DEVNET_DIR = join(DEV_HOME, 'devnet');
export const DEV_CHAIN_ID = 'babychain-dev-1';
export const DEV_ACCOUNTS = 4;
/** Publicly known: development keys only ever hold development coins. */
export const DEV_PASSPHRASE = 'devnet-insecure-passphrase';
/** What the genesis gives each development account: 1,000,000 BABY in base units. */
export const DEV_BALANCE = 1_000_000_000_000n;

export interface DevAccount {
  readonly name: string;
  readonly address: string;
}

/** Creates the missing keys `validator-0` to `validator-<n-1>` in the development keyring and lists them. */
export async function ensureDevAccounts(count = DEV_ACCOUNTS, dir = DEV_KEYRING): Promise<DevAccount[]> {
  const keyring = new Keyring(dir, { addressPrefix: DEFAULT_ADDRESS_PREFIX });
  const existing = new Set(keyring.list().map((k) => k.name));
  for (let i = 0; i < count; i++) {
    const name = `validator-${i}`;
    if (!existing.has(name)) await keyring.add(name, DEV_PASSPHRASE);
  }
  const wanted = new Set(Array.from({ length: count }, (_, i) => `validator-${i}`));
  return keyring
    .list()
    .filter((k) => wanted.has(k.name))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
    .map((k) => ({ name: k.name, address: k.address }));
}

/** Every key of the development keyring (name and address), without creating any. */
export function listDevAccounts(dir = DEV_KEYRING): DevAccount[] {
  return new Keyring(dir, { addressPrefix: DEFAULT_ADDRESS_PREFIX })
    .list()
    .map((k) => ({ name: k.name, address: k.address }));
}

// Runs in Node 24, whose globalThis.crypto is WebCrypto, the API the browser gives the vault.
import { isBabyError, toHex, Wallet } from '@babychain/client';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ITERATIONS, type KeyRecord, MemoryStore, openKey, sealKey } from './vault.ts';

const ABOUT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
// Low in tests only: the sealed form is the same, the guessing cost is not.
const FAST = 1000;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isBabyError(err)) return err.code;
    throw err;
  }
  throw new Error('no error');
}

async function sealed(passphrase = 'correct horse battery'): Promise<{ record: KeyRecord; seed: Uint8Array }> {
  const wallet = Wallet.fromMnemonic(ABOUT);
  const seed = new Uint8Array(32).fill(7);
  const record = await sealKey(
    { name: 'main', address: wallet.address, publicKey: wallet.publicKey, seed },
    passphrase,
    FAST,
  );
  return { record, seed };
}

describe('sealKey / openKey', () => {
  it('opens with the passphrase it was sealed with, and holds no plain seed', async () => {
    const { record, seed } = await sealed();
    expect(toHex(await openKey(record, 'correct horse battery'))).toBe(toHex(seed));
    expect(JSON.stringify(record)).not.toContain(toHex(seed));
    expect(record.kdf).toEqual({ name: 'PBKDF2', hash: 'SHA-256', iterations: FAST });
    expect([record.salt.length, record.iv.length, record.ciphertext.length]).toEqual([32, 24, 2 * (32 + 16)]);
    expect(DEFAULT_ITERATIONS).toBeGreaterThanOrEqual(600_000);
  });

  it('uses a fresh salt and IV per record', async () => {
    const [a, b] = [(await sealed()).record, (await sealed()).record];
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('refuses a wrong passphrase, and a record whose address was swapped, with WALLET_WRONG_PASSPHRASE', async () => {
    const { record } = await sealed();
    expect(await codeOf(openKey(record, 'correct horse battery!'))).toBe('WALLET_WRONG_PASSPHRASE');
    const other = Wallet.generate().wallet.address;
    expect(await codeOf(openKey({ ...record, address: other }, 'correct horse battery'))).toBe(
      'WALLET_WRONG_PASSPHRASE',
    );
  });

  it('refuses a short passphrase and an empty name before sealing anything', async () => {
    expect(await codeOf(sealed('short'))).toBe('WALLET_PASSPHRASE_TOO_SHORT');
    const w = Wallet.fromMnemonic(ABOUT);
    const input = { name: '  ', address: w.address, publicKey: w.publicKey, seed: new Uint8Array(32) };
    expect(await codeOf(sealKey(input, 'long enough passphrase', FAST))).toBe('WALLET_BAD_NAME');
  });
});

describe('MemoryStore', () => {
  it('refuses a second key under a taken name', async () => {
    const store = new MemoryStore();
    const { record } = await sealed();
    await store.add(record);
    expect(await codeOf(store.add(record))).toBe('WALLET_NAME_TAKEN');
    expect((await store.list()).map((r) => r.name)).toEqual(['main']);
  });
});

import { describe, expect, it } from 'vitest';
import { hex } from './bytes.testutil.ts';
import { generateKeyPair, publicKeyFromSeed } from './ed25519.ts';
import {
  canonicalJson,
  decryptKeystore,
  encryptKeystore,
  type KeystoreV1,
  parseKeystore,
  serializeKeystore,
} from './keystore.ts';

const FAST = { n: 2 ** 10, r: 8, p: 1 };
const code = (code: string) => expect.objectContaining({ code });
const ABOUT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

async function sample(): Promise<{ seed: Uint8Array; file: KeystoreV1 }> {
  const { seed } = generateKeyPair();
  const file = await encryptKeystore(seed, 'correct horse', { name: 'alice', kdfParams: FAST });
  return { seed, file };
}

type EditableFile = Record<string, unknown> & {
  crypto: Record<string, unknown> & { kdfParams: Record<string, unknown> };
};

/** A copy of the file as JSON with one field changed. */
function edited(file: KeystoreV1, edit: (j: EditableFile) => void): string {
  const j = JSON.parse(JSON.stringify(file)) as EditableFile;
  edit(j);
  return JSON.stringify(j);
}

describe('keystore', () => {
  it('round-trips a seed through encryption with the right passphrase', async () => {
    const { seed, file } = await sample();
    expect(file.version).toBe(1);
    expect(file.name).toBe('alice');
    expect(file.publicKey).toBe(hex(publicKeyFromSeed(seed)));
    expect(file.crypto.kdfParams).toMatchObject({ n: 1024, r: 8, p: 1, dkLen: 32 });
    expect(file.crypto.kdfParams.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(file.crypto.nonce).toMatch(/^[0-9a-f]{24}$/);
    expect(file.crypto.ciphertext).not.toContain(hex(seed));
    const secret = await decryptKeystore(serializeKeystore(file), 'correct horse');
    expect(hex(secret.seed)).toBe(hex(seed));
    expect(secret.mnemonic).toBeNull();
    expect(secret.account).toBeNull();
    expect(secret.name).toBe('alice');
  });

  it('keeps the mnemonic and account so they can be shown again', async () => {
    const file = await encryptKeystore(new Uint8Array(32).fill(7), 'pw', {
      name: 'bob',
      kdfParams: FAST,
      mnemonic: ABOUT,
      account: 2,
    });
    const secret = await decryptKeystore(file, 'pw');
    expect(secret.mnemonic).toBe(ABOUT);
    expect(secret.account).toBe(2);
  });

  it('uses scrypt N = 2^17, r = 8, p = 1 by default', async () => {
    const file = await encryptKeystore(new Uint8Array(32), 'pw', { name: 'x' });
    expect(file.crypto.kdfParams).toMatchObject({ n: 131072, r: 8, p: 1 });
  }, 30_000);

  it('uses a fresh salt and nonce each time', async () => {
    const a = await encryptKeystore(new Uint8Array(32), 'pw', { name: 'x', kdfParams: FAST });
    const b = await encryptKeystore(new Uint8Array(32), 'pw', { name: 'x', kdfParams: FAST });
    expect(a.crypto.kdfParams.salt).not.toBe(b.crypto.kdfParams.salt);
    expect(a.crypto.nonce).not.toBe(b.crypto.nonce);
  });

  it('says the passphrase is wrong when it is', async () => {
    const { file } = await sample();
    await expect(decryptKeystore(file, 'Correct horse')).rejects.toThrow(code('CRYPTO_WRONG_PASSPHRASE'));
    await expect(decryptKeystore(file, 'Correct horse')).rejects.toThrow(/wrong passphrase for key "alice"/);
  });

  it('normalizes the passphrase (NFKC), so composed and decomposed accents both open it', async () => {
    const file = await encryptKeystore(new Uint8Array(32), 'caf\u00e9', { name: 'x', kdfParams: FAST });
    await expect(decryptKeystore(file, 'cafe\u0301')).resolves.toMatchObject({ name: 'x' });
  });

  it('detects a file altered after it was written', async () => {
    const { file } = await sample();
    const other = hex(publicKeyFromSeed(new Uint8Array(32).fill(9)));
    const tampered = [
      edited(file, (j) => {
        j['name'] = 'mallory';
      }),
      edited(file, (j) => {
        j['publicKey'] = other;
      }),
      edited(file, (j) => {
        j['createdAt'] = '2000-01-01T00:00:00.000Z';
      }),
      edited(file, (j) => {
        const c = j.crypto['ciphertext'] as string;
        j.crypto['ciphertext'] = `${c.slice(0, 10)}${c[10] === '0' ? '1' : '0'}${c.slice(11)}`;
      }),
      edited(file, (j) => {
        const n = j.crypto['nonce'] as string;
        j.crypto['nonce'] = `${n[0] === '0' ? '1' : '0'}${n.slice(1)}`;
      }),
    ];
    for (const text of tampered) {
      await expect(decryptKeystore(text, 'correct horse')).rejects.toThrow(code('CRYPTO_BAD_KEYSTORE'));
    }
  });

  it('rejects malformed files without trying a passphrase', async () => {
    const { file } = await sample();
    const malformed = [
      'not json',
      '[]',
      edited(file, (j) => {
        j['version'] = 2;
      }),
      edited(file, (j) => {
        j['kind'] = 'secp256k1';
      }),
      edited(file, (j) => {
        j['extra'] = true;
      }),
      edited(file, (j) => {
        j.crypto.kdfParams['n'] = 1000;
      }),
      edited(file, (j) => {
        j.crypto.kdfParams['n'] = 2 ** 30;
      }),
      edited(file, (j) => {
        j.crypto['nonce'] = 'abcd';
      }),
      edited(file, (j) => {
        j.crypto['ciphertext'] = 'ABCD';
      }),
      edited(file, (j) => {
        delete j.crypto['check'];
      }),
    ];
    for (const text of malformed) {
      expect(() => parseKeystore(text), text).toThrow(code('CRYPTO_BAD_KEYSTORE'));
      await expect(decryptKeystore(text, 'correct horse')).rejects.toThrow(code('CRYPTO_BAD_KEYSTORE'));
    }
  });

  it('refuses a secret that is not a 32-byte seed', async () => {
    await expect(encryptKeystore(new Uint8Array(64), 'pw', { name: 'x', kdfParams: FAST })).rejects.toThrow(
      code('CRYPTO_BAD_SEED'),
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 'x' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":"x","f":2}]},"b":1}',
    );
  });
});

describe('keystore resource limits', () => {
  it('refuses a file that asks scrypt for 4 GiB before doing any work', async () => {
    const { seed } = generateKeyPair();
    const file = JSON.parse(
      JSON.stringify(await encryptKeystore(seed, 'correct horse', { name: 'alice', kdfParams: FAST })),
    );
    file.crypto.kdfParams = { ...file.crypto.kdfParams, n: 2 ** 20, r: 32 };
    await expect(decryptKeystore(file, 'correct horse')).rejects.toThrow(code('CRYPTO_BAD_KEYSTORE'));
  });

  it('refuses to write a file its own reader would reject', async () => {
    const { seed } = generateKeyPair();
    await expect(encryptKeystore(seed, 'pw', { name: 'alice', kdfParams: FAST, account: 1.5 })).rejects.toThrow(
      code('CRYPTO_BAD_DERIVATION_PATH'),
    );
    await expect(encryptKeystore(seed, 'pw', { name: 'Alice Smith', kdfParams: FAST })).rejects.toThrow(
      code('CRYPTO_BAD_KEY_NAME'),
    );
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeAddress, multisigAddress, sortMultisigKeys } from './address.ts';
import { hex } from './bytes.testutil.ts';
import { publicKeyFromSeed, sign, verify } from './ed25519.ts';
import { deriveAccountKey } from './hd.ts';
import { Keyring } from './keyring.ts';

const FAST = { n: 2 ** 10, r: 8, p: 1 };
const ABOUT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const code = (code: string) => expect.objectContaining({ code });

let root: string;
let dir: string;
let keyring: Keyring;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'babychain-keyring-'));
  dir = join(root, 'keys');
  keyring = new Keyring(dir, { kdfParams: FAST });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('Keyring', () => {
  it('creates a key from a new 24-word mnemonic and stores it readable only by its owner', async () => {
    const added = await keyring.add('alice', 'pw');
    expect(added.mnemonic.split(' ')).toHaveLength(24);
    expect(added.kind).toBe('ed25519');
    expect(added.address.startsWith('baby1')).toBe(true);
    const file = join(dir, 'alice.key.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['alice.key.json']); // no temporary file left behind
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(added.mnemonic);
  });

  it('restores the same key from a mnemonic and account', async () => {
    const added = await keyring.add('bob', 'pw', { mnemonic: ABOUT, account: 1 });
    const expected = deriveAccountKey(ABOUT, 1);
    expect(added.kind === 'ed25519' && added.publicKey).toBe(hex(expected.publicKey));
    const secret = await keyring.unlock('bob', 'pw');
    expect(hex(secret.seed)).toBe(hex(expected.seed));
    expect(secret.mnemonic).toBe(ABOUT);
    expect(secret.account).toBe(1);
    const msg = new TextEncoder().encode('tx');
    expect(verify(secret.publicKey, msg, sign(secret.seed, msg))).toBe(true);
  });

  it('lists keys by name and shows their public information', async () => {
    await keyring.add('carol', 'pw', { mnemonic: ABOUT });
    await keyring.add('alice', 'pw', { mnemonic: ABOUT, account: 1 });
    const list = keyring.list();
    expect(list.map((k) => k.name)).toEqual(['alice', 'carol']);
    const carol = keyring.get('carol');
    expect(carol).toEqual(list[1]);
    expect(carol).not.toHaveProperty('seed');
    expect(decodeAddress(carol.address)).toHaveLength(20);
  });

  it('shows addresses with the chain prefix it was given', async () => {
    const testnet = new Keyring(dir, 'babytest');
    await new Keyring(dir, { kdfParams: FAST }).add('alice', 'pw', { mnemonic: ABOUT });
    expect(testnet.get('alice').address.startsWith('babytest1')).toBe(true);
  });

  it('lists nothing when the directory does not exist yet', () => {
    expect(keyring.list()).toEqual([]);
  });

  it('refuses a second key with the same name, in any case', async () => {
    await keyring.add('alice', 'pw', { mnemonic: ABOUT });
    await expect(keyring.add('alice', 'pw')).rejects.toThrow(code('CRYPTO_KEY_EXISTS'));
    await expect(keyring.add('ALICE', 'pw')).rejects.toThrow(code('CRYPTO_KEY_EXISTS'));
  });

  it('refuses names that are not 1-40 letters, digits, _ or -', async () => {
    for (const bad of ['', '-alice', 'a'.repeat(41), 'al ice', '../etc', 'alice.key', 'é']) {
      await expect(keyring.add(bad, 'pw', { mnemonic: ABOUT }), bad).rejects.toThrow(code('CRYPTO_BAD_KEY_NAME'));
    }
    await expect(keyring.add(`a${'-'.repeat(39)}`, 'pw', { mnemonic: ABOUT })).resolves.toBeDefined();
  });

  it('reports a missing key', async () => {
    expect(() => keyring.get('nobody')).toThrow(code('CRYPTO_KEY_NOT_FOUND'));
    await expect(keyring.unlock('nobody', 'pw')).rejects.toThrow(code('CRYPTO_KEY_NOT_FOUND'));
    expect(() => keyring.remove('nobody')).toThrow(code('CRYPTO_KEY_NOT_FOUND'));
  });

  it('says the passphrase is wrong when unlocking with another one', async () => {
    await keyring.add('alice', 'right', { mnemonic: ABOUT });
    await expect(keyring.unlock('alice', 'wrong')).rejects.toThrow(code('CRYPTO_WRONG_PASSPHRASE'));
  });

  it('removes a key', async () => {
    await keyring.add('alice', 'pw', { mnemonic: ABOUT });
    keyring.remove('alice');
    expect(keyring.list()).toEqual([]);
    expect(() => keyring.get('alice')).toThrow(code('CRYPTO_KEY_NOT_FOUND'));
  });

  it('exports a keystore that imports elsewhere, under the same or another name', async () => {
    const added = await keyring.add('alice', 'pw', { mnemonic: ABOUT });
    const exported = keyring.exportKeystore('alice');
    const other = new Keyring(join(root, 'other'), { kdfParams: FAST });
    await expect(other.importKeystore('alice', exported, 'nope')).rejects.toThrow(code('CRYPTO_WRONG_PASSPHRASE'));
    const same = await other.importKeystore('alice', exported, 'pw');
    expect(same.address).toBe(added.address);
    expect(readFileSync(join(root, 'other', 'alice.key.json'), 'utf8')).toBe(exported);
    const renamed = await other.importKeystore('alice2', exported, 'pw');
    expect(renamed.address).toBe(added.address);
    const secret = await other.unlock('alice2', 'pw');
    expect(secret.mnemonic).toBe(ABOUT);
    expect(statSync(join(root, 'other', 'alice2.key.json')).mode & 0o777).toBe(0o600);
    await expect(other.importKeystore('alice', exported, 'pw')).rejects.toThrow(code('CRYPTO_KEY_EXISTS'));
  });

  it('refuses to import a malformed keystore', async () => {
    await expect(keyring.importKeystore('x', '{"version":1}', 'pw')).rejects.toThrow(code('CRYPTO_BAD_KEYSTORE'));
  });

  it('reports a key file that was edited by hand', async () => {
    await keyring.add('alice', 'pw', { mnemonic: ABOUT });
    const file = join(dir, 'alice.key.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    json['publicKey'] = hex(publicKeyFromSeed(new Uint8Array(32)));
    writeFileSync(file, JSON.stringify(json));
    await expect(keyring.unlock('alice', 'pw')).rejects.toThrow(code('CRYPTO_BAD_KEYSTORE'));
    writeFileSync(file, '{ broken');
    expect(() => keyring.list()).toThrow(code('CRYPTO_BAD_KEYSTORE'));
  });

  it('records a multisig account from key names and hex keys, sorted, with its address', async () => {
    await keyring.add('alice', 'pw', { mnemonic: ABOUT, account: 0 });
    await keyring.add('bob', 'pw', { mnemonic: ABOUT, account: 1 });
    const carol = hex(deriveAccountKey(ABOUT, 2).publicKey);
    const info = keyring.addMultisig('team', 2, ['bob', carol, 'alice']);
    const keys = sortMultisigKeys([0, 1, 2].map((a) => deriveAccountKey(ABOUT, a).publicKey));
    expect(info).toMatchObject({ kind: 'multisig', threshold: 2, publicKeys: keys.map(hex) });
    expect(hex(decodeAddress(info.address))).toBe(hex(multisigAddress(2, keys)));
    expect(keyring.get('team')).toEqual(info);
    const stored = JSON.parse(readFileSync(join(dir, 'team.key.json'), 'utf8')) as Record<string, unknown>;
    expect(stored).not.toHaveProperty('crypto');
    await expect(keyring.unlock('team', 'pw')).rejects.toThrow(code('CRYPTO_NOT_A_SIGNING_KEY'));
    expect(() => keyring.exportKeystore('team')).toThrow(code('CRYPTO_NOT_A_SIGNING_KEY'));
  });

  it('refuses a multisig with a repeated key or a bad threshold', async () => {
    await keyring.add('alice', 'pw', { mnemonic: ABOUT });
    const alice = (keyring.get('alice') as { publicKey: string }).publicKey;
    expect(() => keyring.addMultisig('m', 1, ['alice', alice])).toThrow(code('CRYPTO_MULTISIG_DUPLICATE_KEY'));
    expect(() => keyring.addMultisig('m', 2, ['alice'])).toThrow(code('CRYPTO_MULTISIG_BAD_THRESHOLD'));
    expect(() => keyring.addMultisig('m', 1, ['nobody'])).toThrow(code('CRYPTO_KEY_NOT_FOUND'));
    expect(keyring.list().map((k) => k.name)).toEqual(['alice']);
  });

  it('tightens an existing directory that others could read', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { mode: 0o755 });
    await keyring.add('alice', 'pw', { mnemonic: ABOUT });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

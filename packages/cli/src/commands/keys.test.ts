import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, sha256 } from '@babychain/codec';
import { encodeAddress } from '@babychain/crypto';
import { beforeAll, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, '..', 'main.ts');
const PASS = 'correct horse battery';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `baby` process with `input` piped to standard input. */
function baby(home: string, args: string[], input = '', passphraseEnv?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, '--home', home, ...args], {
      env: { ...process.env, BABY_KEYRING_PASSPHRASE: passphraseEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown>;

describe('baby keys', () => {
  const home = mkdtempSync(join(tmpdir(), 'baby-keys-'));
  let alice: Record<string, unknown>;

  beforeAll(async () => {
    const added = await baby(home, ['keys', 'add', 'alice', '--json'], `${PASS}\n`);
    expect(added.stderr).toBe('');
    alice = json(added);
  });

  it('creates a key with a 24-word mnemonic and a baby1 address', () => {
    expect(alice['address']).toMatch(/^baby1[02-9ac-hj-np-z]{38}$/);
    expect(String(alice['mnemonic']).split(' ')).toHaveLength(24);
  });

  it('stores the key encrypted, readable only by its owner', () => {
    const dir = join(home, 'keyring');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).filter((f) => f.endsWith('.key.json'));
    expect(files).toEqual(['alice.key.json']);
    expect(statSync(join(dir, 'alice.key.json')).mode & 0o777).toBe(0o600);
  });

  it('lists keys without asking for the passphrase', async () => {
    const run = await baby(home, ['keys', 'list', '--json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { name: string; address: string }[]).map((k) => [k.name, k.address])).toEqual([
      ['alice', alice['address']],
    ]);
  });

  it('refuses a wrong passphrase with a clear error and exit code 1', async () => {
    const run = await baby(home, ['keys', 'export', 'alice', '--mnemonic'], 'not the passphrase\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error CRYPTO_WRONG_PASSPHRASE: /);
    expect(run.stdout).toBe('');
  });

  it('reveals the mnemonic with the right passphrase', async () => {
    const run = await baby(home, ['keys', 'export', 'alice', '--mnemonic', '--json'], `${PASS}\n`);
    expect(json(run)['mnemonic']).toBe(alice['mnemonic']);
  });

  it('recovers the same address from the mnemonic in another home', async () => {
    const other = mkdtempSync(join(tmpdir(), 'baby-keys-recover-'));
    const run = await baby(other, ['keys', 'recover', 'restored', '--json'], `${String(alice['mnemonic'])}\n${PASS}\n`);
    expect(run.stderr).toBe('');
    expect(json(run)['address']).toBe(alice['address']);
  });

  it('refuses to recover a key the keyring already holds under another name, unless --force', async () => {
    const mnemonic = `${String(alice['mnemonic'])}\n${PASS}\n`;
    const twice = await baby(home, ['keys', 'recover', 'alice-again'], mnemonic);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(
      new RegExp(`^error CLI_KEY_EXISTS: the keyring already holds this key's address ${alice['address']} as "alice"`),
    );
    expect(readdirSync(join(home, 'keyring')).filter((f) => f.endsWith('.key.json'))).toEqual(['alice.key.json']);
    const forced = await baby(home, ['keys', 'recover', 'alice-again', '--force', '--json'], mnemonic);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^warning: .* is also in the keyring as "alice"/);
    expect(json(forced)['address']).toBe(alice['address']);
    await baby(home, ['keys', 'delete', 'alice-again', '--yes']);
  });

  it('prints only the address with show -a, for scripts', async () => {
    const run = await baby(home, ['keys', 'show', 'alice', '-a']);
    expect(run.stdout).toBe(`${alice['address']}\n`);
  });

  it('derives a different account from the same mnemonic with --account', async () => {
    const other = mkdtempSync(join(tmpdir(), 'baby-keys-account-'));
    const run = await baby(
      other,
      ['keys', 'recover', 'second', '--account', '1', '--json'],
      `${String(alice['mnemonic'])}\n${PASS}\n`,
    );
    expect(json(run)['address']).not.toBe(alice['address']);
  });

  it('rejects a mnemonic with a bad checksum', async () => {
    const words = String(alice['mnemonic']).split(' ');
    words[23] = words[23] === 'abandon' ? 'zoo' : 'abandon';
    const other = mkdtempSync(join(tmpdir(), 'baby-keys-bad-'));
    const run = await baby(other, ['keys', 'recover', 'bad'], `${words.join(' ')}\n${PASS}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error CRYPTO_BAD_MNEMONIC: /);
  });

  it('exports an encrypted keystore that imports under a new name with its passphrase', async () => {
    const exported = await baby(home, ['keys', 'export', 'alice']);
    // The mnemonic is not in the file in the clear (one word alone can occur by chance, e.g. "check" in "checksum").
    const words = String(alice['mnemonic']).split(' ');
    expect(exported.stdout).not.toContain(words.slice(0, 2).join(' '));
    expect(exported.stdout).not.toContain(words.join(' '));
    const file = join(mkdtempSync(join(tmpdir(), 'baby-export-')), 'alice.json');
    writeFileSync(file, exported.stdout);
    const other = mkdtempSync(join(tmpdir(), 'baby-keys-import-'));
    const wrong = await baby(other, ['keys', 'import', 'alice2', file], 'nope nope nope\n');
    expect(wrong.stderr).toMatch(/^error CRYPTO_WRONG_PASSPHRASE: /);
    const imported = await baby(other, ['keys', 'import', 'alice2', file, '--json'], `${PASS}\n`);
    expect(json(imported)['address']).toBe(alice['address']);
  });

  it('imports a keystore piped on standard input, with the passphrase from the environment', async () => {
    const exported = await baby(home, ['keys', 'export', 'alice']);
    const other = mkdtempSync(join(tmpdir(), 'baby-keys-pipe-'));
    const withoutPass = await baby(other, ['keys', 'import', 'piped', '-'], exported.stdout);
    expect(withoutPass.stderr).toMatch(/^error CLI_NO_INPUT: .*BABY_KEYRING_PASSPHRASE/);
    const imported = await baby(other, ['keys', 'import', 'piped', '-', '--json'], exported.stdout, PASS);
    expect(imported.stderr).toBe('');
    expect(json(imported)['address']).toBe(alice['address']);
  });

  it('builds a 2-of-3 multisig address from key names and a hex key, in any order', async () => {
    const bob = json(await baby(home, ['keys', 'add', 'bob', '--json'], `${PASS}\n`));
    const carol = json(await baby(home, ['keys', 'add', 'carol', '--json'], `${PASS}\n`));
    const members = [String(carol['publicKey']), 'alice', 'bob'];
    const run = await baby(home, ['keys', 'add-multisig', 'treasury', '--threshold', '2', ...members, '--json']);
    expect(run.stderr).toBe('');
    // ADDR-4 from its formula: SHA-256(0x01 || threshold u32 BE || sorted keys)[0..20].
    const sorted = [alice, bob, carol].map((k) => String(k['publicKey'])).sort();
    const digest = sha256(Uint8Array.of(1), Uint8Array.of(0, 0, 0, 2), ...sorted.map((k) => fromHex(k)));
    expect(json(run)['address']).toBe(encodeAddress(digest.slice(0, 20), 'baby'));
    const reordered = await baby(home, [
      'keys',
      'add-multisig',
      'treasury2',
      '--threshold',
      '2',
      'bob',
      'alice',
      ...members.slice(0, 1),
      '--json',
    ]);
    expect(json(reordered)['address']).toBe(json(run)['address']);
  });

  it('refuses a multisig threshold above the number of keys', async () => {
    const run = await baby(home, ['keys', 'add-multisig', 'bad', '--threshold', '3', 'alice', 'bob']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error CRYPTO_MULTISIG_BAD_THRESHOLD: /);
  });

  it('refuses a second key with an existing name and a passphrase that is too short', async () => {
    expect((await baby(home, ['keys', 'add', 'alice'], `${PASS}\n`)).stderr).toMatch(/^error CRYPTO_KEY_EXISTS: /);
    expect((await baby(home, ['keys', 'add', 'dave'], 'short\n')).stderr).toMatch(/^error CLI_PASSPHRASE_TOO_SHORT: /);
  });

  it('tells a script that gave no passphrase what it expected', async () => {
    const run = await baby(home, ['keys', 'add', 'erin']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error CLI_NO_INPUT: .*BABY_KEYRING_PASSPHRASE/);
  });
});

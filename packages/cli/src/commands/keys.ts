import { readFile } from 'node:fs/promises';
import { BabyError, toHex } from '@babychain/codec';
import { DEFAULT_ADDRESS_PREFIX, deriveAccountKey, Keyring, validateMnemonic } from '@babychain/crypto';
import { Command } from 'commander';
import { CliErrorCode } from '../errors.ts';
import { keyringDir, resolveHome } from '../home.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { PASSPHRASE_ENV, readMnemonic, readPassphrase } from '../secrets.ts';

interface GlobalOptions {
  home?: string;
  json?: boolean;
  prefix?: string;
}

/** `baby keys …`: a local keyring of encrypted keys (specs/addresses.md KEY-1..KEY-3). */
export function keysCommand(io: CliIo): Command {
  const keys = new Command('keys').description(
    'manage the local keyring: create, recover, list, export and import keys',
  );

  const context = (cmd: Command) => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    const keyring = new Keyring(keyringDir(resolveHome(opts.home, io.env)), opts.prefix ?? DEFAULT_ADDRESS_PREFIX);
    return { keyring, json: opts.json === true };
  };

  keys
    .command('add')
    .description('create a key from a new 24-word mnemonic and store it encrypted')
    .argument('<name>', 'name of the key')
    .option('--account <n>', "HD account index (m/44'/8888'/n'/0'/0')", parseAccount, 0)
    .action(async (name: string, opts: { account: number }, cmd: Command) => {
      const { keyring, json } = context(cmd);
      const passphrase = await readPassphrase(io, 'create');
      const created = await keyring.add(name, passphrase, { account: opts.account });
      printResult(io.stdout, json, { ...created, mnemonic: created.mnemonic });
      if (!json) {
        io.stderr.write(
          '\nWrite the mnemonic down and keep it safe: it is the only way to recover this key if the keyring is lost.\n',
        );
      }
    });

  keys
    .command('recover')
    .description('restore a key from its mnemonic (read from the terminal or standard input)')
    .argument('<name>', 'name for the restored key')
    .option('--account <n>', 'HD account index', parseAccount, 0)
    .option('--force', 'restore it even when the keyring holds its address under another name')
    .action(async (name: string, opts: { account: number; force?: boolean }, cmd: Command) => {
      const { keyring, json } = context(cmd);
      const mnemonic = await readMnemonic(io);
      refuseSameAddress(keyring, name, mnemonic, opts, io);
      const passphrase = await readPassphrase(io, 'create');
      const recovered = await keyring.add(name, passphrase, { mnemonic, account: opts.account });
      printResult(io.stdout, json, { ...recovered, mnemonic: undefined });
    });

  keys
    .command('list')
    .description('list the keys in the keyring')
    .action((_opts: unknown, cmd: Command) => {
      const { keyring, json } = context(cmd);
      printResult(io.stdout, json, keyring.list());
    });

  keys
    .command('show')
    .description("show a key's address and public key")
    .argument('<name>')
    .option('-a, --address', 'print only the address')
    .action((name: string, opts: { address?: boolean }, cmd: Command) => {
      const { keyring, json } = context(cmd);
      const info = keyring.get(name);
      if (opts.address === true && !json) io.stdout.write(`${info.address}\n`);
      else printResult(io.stdout, json, info);
    });

  keys
    .command('export')
    .description('print the encrypted keystore file (safe to back up); --mnemonic reveals the recovery words instead')
    .argument('<name>')
    .option('--mnemonic', 'decrypt and print the mnemonic (asks for the passphrase)')
    .action(async (name: string, opts: { mnemonic?: boolean }, cmd: Command) => {
      const { keyring, json } = context(cmd);
      if (opts.mnemonic !== true) {
        io.stdout.write(keyring.exportKeystore(name));
        return;
      }
      const secret = await keyring.unlock(name, await readPassphrase(io, 'unlock'));
      if (secret.mnemonic === null) {
        throw new BabyError(CliErrorCode.BAD_ARGUMENT, `key "${name}" was imported without a mnemonic`);
      }
      printResult(io.stdout, json, { name, mnemonic: secret.mnemonic, account: secret.account });
    });

  keys
    .command('import')
    .description("add a key from a keystore file made by `keys export` (asks for that file's passphrase)")
    .argument('<name>')
    .argument('<file>', 'keystore file, or - for standard input')
    .action(async (name: string, file: string, _opts: unknown, cmd: Command) => {
      const { keyring, json } = context(cmd);
      if (file === '-' && !io.interactive && io.env[PASSPHRASE_ENV] === undefined) {
        throw new BabyError(
          CliErrorCode.NO_INPUT,
          `the keystore comes on standard input, so give its passphrase in ${PASSPHRASE_ENV}`,
        );
      }
      const text = file === '-' ? await io.readAll() : await readFile(file, 'utf8');
      const imported = await keyring.importKeystore(name, text, await readPassphrase(io, 'unlock'));
      printResult(io.stdout, json, imported);
    });

  keys
    .command('add-multisig')
    .description('record a k-of-n multisig account from key names or hex public keys (no secret is stored)')
    .argument('<name>')
    .argument('<keys...>', 'key names in this keyring or 32-byte public keys in hex')
    .requiredOption('--threshold <k>', 'signatures needed', parseAccount)
    .action((name: string, members: string[], opts: { threshold: number }, cmd: Command) => {
      const { keyring, json } = context(cmd);
      printResult(io.stdout, json, keyring.addMultisig(name, opts.threshold, members));
    });

  keys
    .command('delete')
    .description('remove a key from the keyring (export it first if you may need it)')
    .argument('<name>')
    .requiredOption('--yes', 'confirm the deletion')
    .action((name: string, _opts: unknown, cmd: Command) => {
      const { keyring, json } = context(cmd);
      keyring.remove(name);
      printResult(io.stdout, json, { deleted: name });
    });

  return keys;
}

function parseAccount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `not a small whole number: ${value}`);
  return Number(value);
}

/**
 * A mnemonic restored under a second name would leave two keystores of one key, each with its own passphrase: the
 * operator is told the name it already has, and only --force restores it again.
 */
function refuseSameAddress(
  keyring: Keyring,
  name: string,
  mnemonic: string,
  opts: { account: number; force?: boolean },
  io: CliIo,
): void {
  const derived = deriveAccountKey(validateMnemonic(mnemonic), opts.account);
  derived.seed.fill(0);
  const publicKey = toHex(derived.publicKey);
  const same = keyring.list().find((k) => k.kind === 'ed25519' && k.publicKey === publicKey);
  if (same === undefined || same.name === name) return;
  if (opts.force !== true) {
    throw new BabyError(
      CliErrorCode.KEY_EXISTS,
      `the keyring already holds this key's address ${same.address} as "${same.name}"; ` +
        `use it, or give --force to restore it as "${name}" too`,
      { existing: same.name, address: same.address },
    );
  }
  io.stderr.write(`warning: ${same.address} is also in the keyring as "${same.name}"\n`);
}

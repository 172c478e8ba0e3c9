import { BabyError } from '@babychain/codec';
import { CliErrorCode } from './errors.ts';
import type { CliIo } from './io.ts';

export const PASSPHRASE_ENV = 'BABY_KEYRING_PASSPHRASE';
export const MIN_PASSPHRASE_LENGTH = 8;

/** The keyring passphrase: $BABY_KEYRING_PASSPHRASE for scripts, else typed (twice when creating, at a terminal). */
export async function readPassphrase(io: CliIo, purpose: 'unlock' | 'create'): Promise<string> {
  const fromEnv = io.env[PASSPHRASE_ENV];
  const passphrase = fromEnv ?? (await required(io, 'Keyring passphrase: ', 'a passphrase'));
  if (purpose === 'create') {
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new BabyError(
        CliErrorCode.PASSPHRASE_TOO_SHORT,
        `the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
      );
    }
    if (fromEnv === undefined && io.interactive) {
      const again = await required(io, 'Repeat the passphrase: ', 'the repeated passphrase');
      if (again !== passphrase) throw new BabyError(CliErrorCode.PASSPHRASE_MISMATCH, 'the two passphrases differ');
    }
  }
  return passphrase;
}

export async function readMnemonic(io: CliIo): Promise<string> {
  const words = await required(io, 'Mnemonic (12 to 24 words): ', 'a mnemonic');
  return words.trim().split(/\s+/).join(' ');
}

async function required(io: CliIo, prompt: string, what: string): Promise<string> {
  const line = await io.readSecret(prompt);
  if (line === null) {
    throw new BabyError(
      CliErrorCode.NO_INPUT,
      `expected ${what} on standard input (or set ${PASSPHRASE_ENV} for the passphrase)`,
    );
  }
  return line;
}

/** A node home's consensus key (`priv_validator_key.json`), read by the commands that sign with it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BabyError, fromHex, toHex } from '@babychain/codec';
import { publicKeyFromSeed } from '@babychain/crypto';
import { CliErrorCode } from './errors.ts';

const VALIDATOR_KEY_FILE = 'priv_validator_key.json';

/** The 32-byte seed of `<home>/priv_validator_key.json`; CLI_BAD_VALIDATOR_KEY when it cannot be trusted. */
export function readValidatorSeed(home: string): Uint8Array {
  const path = join(home, VALIDATOR_KEY_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_VALIDATOR_KEY, `cannot read ${path}: ${(err as Error).message}`, { path });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BabyError(CliErrorCode.BAD_VALIDATOR_KEY, `${path} is not JSON`, { path });
  }
  const { seed, publicKey } = (parsed ?? {}) as { seed?: unknown; publicKey?: unknown };
  if (typeof seed !== 'string' || !/^[0-9a-f]{64}$/.test(seed)) {
    throw new BabyError(CliErrorCode.BAD_VALIDATOR_KEY, `${path} has no "seed" of 64 hex digits`, { path });
  }
  const bytes = fromHex(seed);
  if (typeof publicKey === 'string' && publicKey !== toHex(publicKeyFromSeed(bytes))) {
    throw new BabyError(CliErrorCode.BAD_VALIDATOR_KEY, `${path}: "publicKey" is not the key of "seed"`, { path });
  }
  return bytes;
}

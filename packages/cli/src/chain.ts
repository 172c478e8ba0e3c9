/**
 * What the commands that talk to a node share: the node's address, the client, amounts in base units or BABY,
 * addresses given as bech32m text or as a key name, and progress output while waiting.
 */
import {
  BABY_DECIMALS,
  BabyClient,
  ClientErrorCode,
  formatAmount as formatBabyText,
  MAX_AMOUNT,
  parseAmount as parseBabyText,
} from '@babychain/client';
import { BabyError, isBabyError } from '@babychain/codec';
import { DEFAULT_ADDRESS_PREFIX, decodeAddress, Keyring } from '@babychain/crypto';
import type { Command } from 'commander';
import { CliErrorCode } from './errors.ts';
import { keyringDir, resolveHome } from './home.ts';
import type { CliIo } from './io.ts';

export const NODE_ENV = 'BABY_NODE';
export const DEFAULT_NODE = 'http://127.0.0.1:26657';

/** Options every command may see: the program's globals plus `--node` where the command has it. */
export interface ChainOptions {
  home?: string;
  json?: boolean;
  prefix?: string;
  node?: string;
}

export function withNodeOption(cmd: Command): Command {
  return cmd.option('--node <url>', `RPC address of a node (default $${NODE_ENV} or ${DEFAULT_NODE})`);
}

/** The command's context: output mode, address prefix, keyring and (created on first use) the node client. */
export function chainContext(cmd: Command, io: CliIo) {
  const opts = cmd.optsWithGlobals<ChainOptions>();
  const prefix = opts.prefix ?? DEFAULT_ADDRESS_PREFIX;
  const url = opts.node ?? io.env[NODE_ENV] ?? DEFAULT_NODE;
  let client: BabyClient | undefined;
  return {
    json: opts.json === true,
    prefix,
    url,
    keyring: new Keyring(keyringDir(resolveHome(opts.home, io.env)), prefix),
    client: (): BabyClient => {
      client ??= new BabyClient({ url });
      return client;
    },
  };
}

export type ChainContext = ReturnType<typeof chainContext>;

// ---------------------------------------------------------------------------------------------------------------
// Amounts: base units (ubaby) on the wire, BABY with six decimals for people (specs/state.md). The BABY side is the
// client's parseAmount / formatAmount, so that `baby` and an app built on @babychain/client read and print the same.
// ---------------------------------------------------------------------------------------------------------------

const MAX_U64 = (1n << 64n) - 1n;

/**
 * `1500000`, `1500000ubaby` (base units) or `1.5BABY` / `1.5baby` (at most six decimals). Refuses anything else, a
 * value over 2^64 - 1, and zero unless `allowZero`.
 */
export function parseAmount(text: string, what = 'amount', allowZero = false): bigint {
  const t = text.trim();
  let value: bigint | undefined;
  const units = /^(\d{1,20})(?:\s*ubaby)?$/i.exec(t);
  const baby = /^(\d+(?:\.\d+)?)\s*baby$/i.exec(t);
  if (units !== null) value = BigInt(units[1] as string);
  else if (baby !== null) {
    try {
      value = parseBabyText(baby[1] as string);
    } catch (err) {
      // too many decimals or out of range: the CLI's own code, with the client's reason in the message
      if (!isBabyError(err, ClientErrorCode.BAD_AMOUNT)) throw err;
      throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${what} ${JSON.stringify(text)}: ${err.message}`);
    }
  }
  if (value === undefined) {
    throw new BabyError(
      CliErrorCode.BAD_ARGUMENT,
      `${what} ${JSON.stringify(text)} is neither base units (e.g. 1500000 or 1500000ubaby) nor BABY with at most ${BABY_DECIMALS} decimals (e.g. 1.5BABY)`,
    );
  }
  if (value > MAX_AMOUNT) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${what} ${text} does not fit in 64 bits`);
  if (value === 0n && !allowZero) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${what} must be greater than zero`);
  return value;
}

/** `1500000` → `1.5 BABY`. */
export function formatBaby(units: bigint): string {
  return `${formatBabyText(units)} BABY`;
}

/** `1500000 ubaby (1.5 BABY)`: how amounts read in human output. */
export function formatAmount(units: bigint): string {
  return `${units} ubaby (${formatBaby(units)})`;
}

export function parseWhole(text: string, what: string): bigint {
  if (!/^\d{1,20}$/.test(text)) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${what} must be a whole number`);
  const value = BigInt(text);
  if (value > MAX_U64) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${what} ${text} does not fit in 64 bits`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------------------------

/** An address as bech32m text with the chain's prefix, or the name of a key (single or multisig) in the keyring. */
export function resolveAddress(
  text: string,
  ctx: Pick<ChainContext, 'keyring' | 'prefix'>,
): {
  address: string;
  bytes: Uint8Array;
} {
  if (text.toLowerCase().startsWith(`${ctx.prefix}1`)) {
    try {
      return { address: text.toLowerCase(), bytes: decodeAddress(text.toLowerCase(), ctx.prefix) };
    } catch (err) {
      // a key may be named like an address; if there is none, the address's own error is the useful one
      if (!isBabyError(err) || !hasKey(ctx.keyring, text)) throw err;
    }
  }
  if (hasKey(ctx.keyring, text)) {
    const address = ctx.keyring.get(text).address;
    return { address, bytes: decodeAddress(address, ctx.prefix) };
  }
  // no bech32 separator: meant as a key name, so say there is no such key (CRYPTO_KEY_NOT_FOUND)
  if (!text.includes('1')) ctx.keyring.get(text);
  // a foreign prefix or a mistyped address: decodeAddress says which
  return { address: text, bytes: decodeAddress(text, ctx.prefix) };
}

function hasKey(keyring: Keyring, name: string): boolean {
  try {
    keyring.get(name);
    return true;
  } catch (err) {
    if (isBabyError(err)) return false;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Progress on long waits
// ---------------------------------------------------------------------------------------------------------------

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Progress on stderr while waiting: a spinner redrawn in place on a terminal, else one line per second after the
 * first second (so quick inclusions stay silent in logs). `done()` clears the spinner line.
 */
export function progress(io: CliIo, what: string): { tick(elapsedMs: number): void; done(): void } {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let lastSecond = 0;
  let frame = 0;
  let drawn = false;
  return {
    tick(elapsedMs) {
      const seconds = Math.floor(elapsedMs / 1000);
      if (tty) {
        io.stderr.write(`\r${SPINNER[frame++ % SPINNER.length]} ${what} (${seconds} s)`);
        drawn = true;
      } else if (seconds > lastSecond) {
        lastSecond = seconds;
        io.stderr.write(`${what}... ${seconds} s\n`);
      }
    },
    done() {
      if (drawn) io.stderr.write('\r\u001b[2K');
      drawn = false;
    },
  };
}

/**
 * `baby gov propose add-validator | remove-validator | set-power | unjail` (specs/validators.md VAL-4, VAL-5): validator-set
 * changes. Adding one needs a proof of possession signed by the new consensus key: either here, from the validator's
 * home (`--key-home`), or on the validator's own machine with `baby gov possession`, whose file `--entry` reads.
 */
import { readFileSync } from 'node:fs';
import type { ProposalContent } from '@babychain/client';
import { BabyError, fromHex, toHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { signPossession } from '@babychain/upgrade';
import { Command } from 'commander';
import { type ChainContext, chainContext, parseWhole, resolveAddress, withNodeOption } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { readValidatorSeed } from '../validator-key.ts';
import { type ProposeOptions, proposalInput, proposeOptions, submitProposal } from './gov-proposal.ts';

/** A validator entry with its proof of possession, as `baby gov possession` writes it (hex and decimal strings). */
interface EntryFile {
  chainId: string;
  publicKey: string;
  power: string;
  name: string;
  operator: string;
  possession: string;
}

interface EntryOptions {
  keyHome?: string;
  power?: string;
  name?: string;
  operator?: string;
}

/** Registers the validator-set proposals under `baby gov propose`, and `baby gov possession` under `gov`. */
export function validatorProposals(propose: Command, io: CliIo): void {
  proposeOptions(
    entryOptions(
      propose
        .command('add-validator')
        .description('propose adding a validator (VAL-4), signed for by its consensus key (VAL-5)')
        .option('--entry <file>', 'the entry and proof written by `baby gov possession` on the validator machine'),
    ),
  ).action(async (opts: ProposeOptions & EntryOptions & { entry?: string }, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const input = proposalInput(ctx, opts);
    const status = await ctx.client().status();
    const entry = opts.entry === undefined ? signedEntry(ctx, opts, status.chainId) : readEntry(opts.entry);
    if (entry.chainId !== status.chainId) {
      throw new BabyError(
        CliErrorCode.BAD_ARGUMENT,
        `the proof of possession was signed for chain ${entry.chainId}; the node runs ${status.chainId}`,
      );
    }
    const content: ProposalContent = {
      kind: 'add-validator',
      publicKey: fromHex(entry.publicKey),
      power: BigInt(entry.power),
      name: entry.name,
      operator: fromHex(entry.operator),
      possession: fromHex(entry.possession),
    };
    await submitProposal(ctx, io, opts, input, () => ({
      content,
      details: { validator: entry.publicKey, power: entry.power, name: entry.name, operator: operatorText(ctx, entry) },
    }));
  });

  proposeOptions(
    propose
      .command('remove-validator')
      .description('propose removing a validator (VAL-4); one step moves less than a third of the power (VAL-6)')
      .argument('<public-key>', "the validator's consensus key, hex (see `baby query validators`)"),
  ).action(async (keyText: string, opts: ProposeOptions, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const publicKey = parseKey(keyText);
    await submitProposal(ctx, io, opts, proposalInput(ctx, opts), () => ({
      content: { kind: 'remove-validator', publicKey },
      details: { validator: toHex(publicKey) },
    }));
  });

  proposeOptions(
    propose
      .command('set-power')
      .description("propose a validator's new voting power (VAL-4)")
      .argument('<public-key>', "the validator's consensus key, hex")
      .argument('<power>', 'the new power, at least 1'),
  ).action(async (keyText: string, powerText: string, opts: ProposeOptions, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const publicKey = parseKey(keyText);
    const power = parsePower(powerText);
    await submitProposal(ctx, io, opts, proposalInput(ctx, opts), () => ({
      content: { kind: 'set-validator-power', publicKey, power },
      details: { validator: toHex(publicKey), power },
    }));
  });

  proposeOptions(
    propose
      .command('unjail')
      .description('propose letting a jailed validator back, with its name and operator (VAL-11)')
      .argument('<public-key>', "the validator's consensus key, hex (see `baby query validators`, jailed)")
      .option('--power <n>', 'the power it returns with (default: the power it had); VAL-6 bounds one step'),
  ).action(async (keyText: string, opts: ProposeOptions & { power?: string }, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const publicKey = parseKey(keyText);
    const power = opts.power === undefined ? undefined : parsePower(opts.power);
    await submitProposal(ctx, io, opts, proposalInput(ctx, opts), () => ({
      content: { kind: 'unjail-validator', publicKey, ...(power === undefined ? {} : { power }) },
      details: { validator: toHex(publicKey), ...(power === undefined ? {} : { power }) },
    }));
  });
}

/** `baby gov possession`: signs a validator entry with the consensus key in `--key-home`, for another to propose. */
export function possessionCommand(io: CliIo): Command {
  return withNodeOption(
    entryOptions(
      new Command('possession')
        .description("sign a validator entry with this machine's consensus key (VAL-5), for an add-validator proposal")
        .requiredOption('--chain-id <id>', 'the chain the entry is for'),
    ),
  ).action((opts: EntryOptions & { chainId: string }, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    printResult(io.stdout, true, { ...signedEntry(ctx, opts, opts.chainId) });
  });
}

function entryOptions(cmd: Command): Command {
  return cmd
    .option('--key-home <dir>', "the new validator's home: its consensus key signs the proof of possession")
    .option('--power <n>', 'its voting power')
    .option('--name <text>', 'its name, 1 to 64 bytes')
    .option('--operator <address>', "the account that votes for it (VAL-1); default: its consensus key's address");
}

function signedEntry(ctx: ChainContext, opts: EntryOptions, chainId: string): EntryFile {
  if (opts.keyHome === undefined || opts.power === undefined || opts.name === undefined) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'give --entry <file>, or --key-home, --power and --name');
  }
  const seed = readValidatorSeed(opts.keyHome);
  try {
    const publicKey = publicKeyFromSeed(seed);
    const operator =
      opts.operator === undefined ? addressFromPublicKey(publicKey) : resolveAddress(opts.operator, ctx).bytes;
    const power = parsePower(opts.power);
    const possession = signPossession(seed, chainId, { power, name: opts.name, operator });
    return {
      chainId,
      publicKey: toHex(publicKey),
      power: power.toString(),
      name: opts.name,
      operator: toHex(operator),
      possession: toHex(possession),
    };
  } finally {
    seed.fill(0);
  }
}

function readEntry(path: string): EntryFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
  const e = (parsed ?? {}) as Record<string, unknown>;
  const fields = ['chainId', 'publicKey', 'power', 'name', 'operator', 'possession'] as const;
  for (const f of fields) {
    if (typeof e[f] !== 'string') {
      throw new BabyError(CliErrorCode.BAD_FILE, `${path}: "${f}" is missing or not a string`, { file: path });
    }
  }
  const entry = e as unknown as EntryFile;
  if (![entry.publicKey, entry.operator, entry.possession].every((h) => /^([0-9a-f]{2})+$/.test(h))) {
    throw new BabyError(CliErrorCode.BAD_FILE, `${path}: keys, operator and possession are lowercase hex`, {
      file: path,
    });
  }
  parsePower(entry.power);
  return entry;
}

function parseKey(text: string): Uint8Array {
  const hex = text.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'a consensus key is 64 hex digits (32 bytes)');
  }
  return fromHex(hex);
}

function parsePower(text: string): bigint {
  const power = parseWhole(text, 'power');
  if (power < 1n) throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'power must be at least 1');
  return power;
}

function operatorText(ctx: ChainContext, entry: EntryFile): string {
  return encodeAddress(fromHex(entry.operator), ctx.prefix);
}

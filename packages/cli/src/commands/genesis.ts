/**
 * `baby genesis …`: the genesis ceremony of specs/state.md GEN-8, one command per step and per host. The
 * coordinator writes a draft (`init`, `add-account`) and shares it; each operator, in its own home, signs a
 * submission with its consensus key (`add-validator`); the coordinator collects them into the genesis (`collect`);
 * everyone checks the result and its hash (`validate`). The rules themselves are @babychain/state's and
 * @babychain/upgrade's; this file reads and writes the files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BabyError, type Genesis, toHex } from '@babychain/codec';
import { DEFAULT_ADDRESS_PREFIX, encodeAddress, Keyring } from '@babychain/crypto';
import { NODE_VERSION, readConfig } from '@babychain/node';
import {
  DEFAULT_PARAMS,
  GenesisErrorCode,
  genesisDraftFromJson,
  genesisHash,
  genesisOperator,
  genesisSupply,
  genesisToJson,
  parseGenesis,
} from '@babychain/state';
import { collectGenesis, createSubmission } from '@babychain/upgrade';
import { Command } from 'commander';
import { parseAmount, parseWhole, resolveAddress } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import { keyringDir, resolveHome } from '../home.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { readValidatorSeed } from '../validator-key.ts';

interface GlobalOptions {
  home?: string;
  json?: boolean;
  prefix?: string;
}

interface DraftOptions {
  chainId: string;
  genesisTime?: string;
  minFee?: string;
  maxBlockBytes?: string;
  maxBlockTxs?: string;
  releaseVersion: string;
  out: string;
}

export function genesisCommand(io: CliIo): Command {
  const genesis = new Command('genesis').description(
    'the genesis ceremony (specs/state.md GEN-8): draft, sign a validator entry, collect, validate',
  );
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  genesis
    .command('init')
    .description('coordinator: write a draft genesis (no validators yet) to share with the operators')
    .requiredOption('--chain-id <id>', 'the chain id (GEN-1)')
    .option('--genesis-time <time>', 'when the chain starts: ISO 8601 or Unix milliseconds (default: now)')
    .option('--min-fee <amount>', `minimum fee (default ${DEFAULT_PARAMS.minFee})`)
    .option('--max-block-bytes <n>', `block size limit (default ${DEFAULT_PARAMS.maxBlockBytes})`)
    .option('--max-block-txs <n>', `transactions per block (default ${DEFAULT_PARAMS.maxBlockTxs})`)
    .option('--release-version <version>', 'the release the chain starts on (GEN-5)', NODE_VERSION)
    .option('--out <file>', 'where to write the draft', 'genesis.draft.json')
    .action((opts: DraftOptions, cmd: Command) => {
      const g = globals(cmd);
      refuseExisting(opts.out);
      const draft = genesisDraftFromJson({
        chainId: opts.chainId,
        genesisTimeMs: genesisTime(opts.genesisTime).toString(),
        maturity: 'baby',
        addressPrefix: g.prefix ?? DEFAULT_ADDRESS_PREFIX,
        params: {
          minFee: (opts.minFee === undefined
            ? DEFAULT_PARAMS.minFee
            : parseAmount(opts.minFee, 'fee', true)
          ).toString(),
          maxBlockBytes: (opts.maxBlockBytes === undefined
            ? DEFAULT_PARAMS.maxBlockBytes
            : parseWhole(opts.maxBlockBytes, '--max-block-bytes')
          ).toString(),
          maxBlockTxs:
            opts.maxBlockTxs === undefined
              ? DEFAULT_PARAMS.maxBlockTxs
              : Number(parseWhole(opts.maxBlockTxs, '--max-block-txs')),
        },
        ...(opts.releaseVersion === '' ? {} : { releaseVersion: opts.releaseVersion }),
        accounts: [],
        validators: [],
      });
      writeGenesisFile(opts.out, draft);
      printResult(io.stdout, g.json === true, draftSummary(opts.out, draft));
    });

  genesis
    .command('add-account')
    .description('coordinator: fund an account in the draft (its hash changes: share the draft after the last one)')
    .argument('<draft>', 'the draft file, rewritten in place')
    .argument('<address>', 'bech32m address with the draft prefix, or a key name of this keyring')
    .argument('<amount>', 'balance, e.g. 1000000000 or 1000BABY')
    .action((file: string, address: string, amount: string, _opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const draft = readDraft(file);
      const keyring = new Keyring(keyringDir(resolveHome(g.home, io.env)), draft.addressPrefix);
      const { bytes } = resolveAddress(address, { keyring, prefix: draft.addressPrefix });
      const json = genesisToJson(draft);
      json.accounts.push({
        address: encodeAddress(bytes, draft.addressPrefix),
        balance: parseAmount(amount).toString(),
      });
      // GEN-3 on the new list: a repeated address is GENESIS_DUPLICATE_ACCOUNT, an overflow GENESIS_SUPPLY_OVERFLOW
      const updated = genesisDraftFromJson(json);
      writeGenesisFile(file, updated);
      printResult(io.stdout, g.json === true, draftSummary(file, updated));
    });

  genesis
    .command('add-validator')
    .description("operator: sign this home's validator entry for the draft, with its consensus key (VAL-5)")
    .argument('<draft>', 'the draft file the coordinator shared')
    .requiredOption('--power <n>', 'voting power')
    .option('--name <name>', "the validator's name (default: the home's moniker)")
    .option('--operator <address>', "the account acting for it in governance (default: the consensus key's address)")
    .option('--out <file>', 'where to write the submission (default: <name>.submission.json)')
    .action((file: string, opts: { power: string; name?: string; operator?: string; out?: string }, cmd: Command) => {
      const g = globals(cmd);
      const home = resolveHome(g.home, io.env);
      const draft = readDraft(file);
      const seed = readValidatorSeed(home);
      const name = opts.name ?? monikerOf(home);
      const keyring = new Keyring(keyringDir(home), draft.addressPrefix);
      const operator =
        opts.operator === undefined
          ? undefined
          : resolveAddress(opts.operator, { keyring, prefix: draft.addressPrefix }).bytes;
      const power = parseWhole(opts.power, '--power');
      const submission = createSubmission(seed, draft, {
        name,
        power,
        ...(operator === undefined ? {} : { operator }),
      });
      const out = opts.out ?? `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.submission.json`;
      refuseExisting(out);
      writeFileSync(out, `${JSON.stringify(submission, null, 2)}\n`);
      printResult(io.stdout, g.json === true, {
        file: out,
        chainId: submission.chainId,
        draftHash: submission.draftHash,
        ...submission.validator,
      });
    });

  genesis
    .command('collect')
    .description('coordinator: check every submission against the draft and write the genesis')
    .argument('<draft>', 'the draft file')
    .argument('<submission...>', 'the operators’ submission files, in any order')
    .option('--out <file>', 'where to write the genesis', 'genesis.json')
    .action((file: string, submissions: string[], opts: { out: string }, cmd: Command) => {
      const draft = readDraft(file);
      const result = collectGenesis(
        draft,
        submissions.map((path) => ({ file: basename(path), text: readText(path) })),
      );
      writeGenesisFile(opts.out, result);
      printGenesis(io, globals(cmd).json === true, opts.out, result);
    });

  genesis
    .command('validate')
    .description('check a genesis file against every GEN rule and print its hash')
    .argument('<file>', 'the genesis file')
    .action((file: string, _opts: unknown, cmd: Command) => {
      const result = parseGenesis(readText(file));
      printGenesis(io, globals(cmd).json === true, file, result);
    });

  return genesis;
}

/** What `collect` and `validate` print: the hash every operator compares before starting, and who validates. */
function printGenesis(io: CliIo, json: boolean, file: string, genesis: Genesis): void {
  const validators = genesis.validators.map((v) => ({
    name: v.name,
    power: v.power,
    operator: encodeAddress(genesisOperator(v), genesis.addressPrefix),
    publicKey: toHex(v.publicKey),
  }));
  const summary = {
    file,
    genesisHash: toHex(genesisHash(genesis)),
    chainId: genesis.chainId,
    genesisTime: new Date(Number(genesis.genesisTimeMs)).toISOString(),
    accounts: genesis.accounts.length,
    supply: genesisSupply(genesis),
    totalPower: genesis.validators.reduce((sum, v) => sum + v.power, 0n),
  };
  if (json) {
    printResult(io.stdout, true, { ...summary, validators });
    return;
  }
  printResult(io.stdout, false, summary);
  for (const v of validators) {
    io.stdout.write(`validator:   ${v.name}  power ${v.power}  operator ${v.operator}  key ${v.publicKey}\n`);
  }
}

function draftSummary(file: string, draft: Genesis): Record<string, unknown> {
  return {
    file,
    chainId: draft.chainId,
    draftHash: toHex(genesisHash(draft)),
    genesisTime: new Date(Number(draft.genesisTimeMs)).toISOString(),
    accounts: draft.accounts.length,
    supply: genesisSupply(draft),
  };
}

/** `--genesis-time`: Unix milliseconds or an ISO 8601 date; now (to the second) when absent. */
function genesisTime(text: string | undefined): bigint {
  if (text === undefined) return BigInt(Math.floor(Date.now() / 1000) * 1000);
  if (/^\d{1,15}$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms) || ms < 0) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `--genesis-time ${text} is neither ISO 8601 nor Unix milliseconds`);
  }
  return BigInt(ms);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${path}: ${(err as Error).message}`, { path });
  }
}

/** A draft file (GEN-8): GENESIS_MALFORMED when it is not JSON, else the first GEN rule it breaks. */
function readDraft(path: string): Genesis {
  let json: unknown;
  try {
    json = JSON.parse(readText(path));
  } catch (err) {
    if (err instanceof BabyError) throw err;
    throw new BabyError(GenesisErrorCode.MALFORMED, `${path} is not JSON: ${(err as Error).message}`, {
      rule: 'GEN-6',
      file: path,
    });
  }
  return genesisDraftFromJson(json);
}

function writeGenesisFile(path: string, genesis: Genesis): void {
  writeFileSync(path, `${JSON.stringify(genesisToJson(genesis), null, 2)}\n`);
}

/** Files a step creates are never overwritten: a second run would silently replace what was already shared. */
function refuseExisting(path: string): void {
  if (existsSync(path)) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${path} exists: remove it or choose another --out`);
  }
}

/** The name a validator gets by default: its node's moniker. */
function monikerOf(home: string): string {
  try {
    return readConfig(home).moniker;
  } catch {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${home} has no readable config.json: give --name`, {
      missing: ['--name'],
    });
  }
}

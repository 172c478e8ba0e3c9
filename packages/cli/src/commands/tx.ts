import { readFile } from 'node:fs/promises';
import { assembleTx, type SourcedSignature, signBody, transferBody } from '@babychain/client';
import type { MultisigKey, Signature, TxBody } from '@babychain/codec';
import { BabyError, bytesEqual, decodeTx, fromHex, toHex, txId } from '@babychain/codec';
import type { KeyInfo } from '@babychain/crypto';
import { Command, Option } from 'commander';
import {
  type ChainContext,
  chainContext,
  parseAmount,
  parseWhole,
  progress,
  resolveAddress,
  withNodeOption,
} from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { readPassphrase } from '../secrets.ts';
import { dryRun, type Submitted, txFields } from '../submit-modes.ts';
import { readableSummary, summaryJson, type TxSummary, txSummary } from '../tx-summary.ts';
import { multisign, parseSignatureFile as readSignatureFile, readUnsignedFile, unsignedFile } from '../unsigned.ts';

export const DEFAULT_WAIT_SECONDS = 60;

type Mode = 'async' | 'sync' | 'commit';

interface SendOptions {
  fee?: string;
  memo: string;
  nonce?: string;
  chainId?: string;
  wait: boolean;
  generateOnly?: boolean;
  dryRun?: boolean;
  timeout: number;
}

/** `baby tx …`: build, sign and submit transactions, online or in the offline multisig steps. */
export function txCommand(io: CliIo): Command {
  const tx = new Command('tx').description('build, sign and submit transactions');

  withNodeOption(
    tx
      .command('send')
      .description('send coins from a key of the keyring (waits until the transfer is in a block)')
      .argument('<from>', 'name of the sending key (a multisig key needs --generate-only)')
      .argument('<to>', 'recipient address, or the name of a key in the keyring')
      .argument('<amount>', 'base units (1500000 or 1500000ubaby) or BABY with up to 6 decimals (1.5BABY)')
      .option(
        '--fee <amount>',
        "fee paid to the block proposer, same forms as the amount (default: the chain's minimum fee)",
      )
      .option('--memo <text>', 'free text, at most 256 bytes', '')
      .option('--nonce <n>', "the account's nonce (default: read from the node)")
      .option('--chain-id <id>', 'chain id (default: read from the node)')
      .option('--no-wait', 'return once the node has admitted the transaction to its mempool')
      .option(
        '--generate-only',
        'print the unsigned body and its summary as JSON instead of signing it (for tx sign / multisign); ' +
          'with --chain-id, --nonce and --fee it needs no node',
      )
      .option('--dry-run', "sign and run the node's admission check, without submitting")
      .option('--timeout <seconds>', 'how long to wait for inclusion', seconds, DEFAULT_WAIT_SECONDS),
  ).action(async (fromName: string, toText: string, amountText: string, opts: SendOptions, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const from = ctx.keyring.get(fromName);
    if (from.kind === 'multisig' && opts.generateOnly !== true) {
      throw new BabyError(
        CliErrorCode.MULTISIG_OFFLINE,
        `"${from.name}" is a multisig key: use --generate-only, then tx sign by each signer, tx multisign and tx broadcast`,
      );
    }
    const to = resolveAddress(toText, ctx);
    const amount = parseAmount(amountText);
    const nonce = opts.nonce === undefined ? undefined : parseWhole(opts.nonce, 'nonce');
    const given = {
      chainId: opts.chainId,
      fee: opts.fee === undefined ? undefined : parseAmount(opts.fee, 'fee', true),
    };
    const online = await txFields(ctx, { ...given, nonce, address: from.address }, opts.generateOnly === true);
    const body = transferBody({
      chainId: online.chainId,
      signer: signerOf(from),
      to: to.bytes,
      amount,
      fee: online.fee,
      nonce: online.nonce,
      memo: opts.memo,
    });
    if (opts.generateOnly === true) {
      io.stdout.write(`${JSON.stringify(unsignedFile(body, ctx.prefix), null, 2)}\n`);
      return;
    }
    const secret = await ctx.keyring.unlock(from.name, await readPassphrase(io, 'unlock'));
    let bytes: Uint8Array;
    try {
      bytes = assembleTx(body, [signBody(body, secret.seed, 0)]);
    } finally {
      secret.seed.fill(0);
    }
    const result =
      opts.dryRun === true
        ? await dryRun(ctx, bytes)
        : await submit(ctx, io, bytes, opts.wait ? 'commit' : 'sync', opts.timeout);
    report(io, ctx.json, result, txSummary(body, ctx.prefix));
  });

  withNodeOption(
    tx
      .command('sign')
      .description('sign an unsigned body from tx send --generate-only; prints the signature as JSON')
      .argument('<file>', 'the unsigned body (JSON), or - for standard input')
      .requiredOption('--from <key>', 'the signing key')
      .option('--multisig <key>', 'the multisig key the body spends from: prints { keyIndex, signature }')
      .option('--chain-id <id>', 'the chain the body must be for (default: asked from the node)'),
  ).action(async (file: string, opts: { from: string; multisig?: string; chainId?: string }, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const body = await readBody(io, file, ctx.prefix);
    const from = ctx.keyring.get(opts.from);
    if (from.kind !== 'ed25519') {
      throw new BabyError(CliErrorCode.BAD_ARGUMENT, `--from "${from.name}" is a multisig key; give a member's key`);
    }
    let keyIndex = 0;
    if (opts.multisig !== undefined) {
      const multisig = multisigKey(ctx, opts.multisig);
      expectSigner(body, multisig);
      keyIndex = multisig.publicKeys.indexOf(from.publicKey);
      if (keyIndex < 0) {
        throw new BabyError(
          CliErrorCode.NOT_A_MEMBER,
          `key "${from.name}" is not one of the ${multisig.publicKeys.length} keys of multisig "${multisig.name}"`,
          { key: from.name, multisig: multisig.name },
        );
      }
    } else {
      expectSigner(body, from);
    }
    const expectedChain = opts.chainId ?? (await ctx.client().status()).chainId;
    if (body.chainId !== expectedChain) {
      throw new BabyError(
        CliErrorCode.WRONG_CHAIN,
        `the body is for chain "${body.chainId}", not "${expectedChain}"; nothing was signed`,
        { body: body.chainId, expected: expectedChain },
      );
    }
    // What gets signed, read from the body itself (not the file's summary): the member's last look before the passphrase.
    printResult(io.stderr, false, { signing: 'this transaction', ...readableSummary(txSummary(body, ctx.prefix)) });
    const secret = await ctx.keyring.unlock(from.name, await readPassphrase(io, 'unlock'));
    let signature: Signature;
    try {
      signature = signBody(body, secret.seed, keyIndex);
    } finally {
      secret.seed.fill(0);
    }
    const out =
      opts.multisig === undefined
        ? { tx: toHex(assembleTx(body, [signature])) }
        : { keyIndex, signature: toHex(signature.signature) };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  });

  tx.command('multisign')
    .description('combine the signatures of a multisig key into a signed transaction, printed as { tx, id }')
    .argument('<file>', 'the unsigned body (JSON)')
    .argument('<multisig>', 'the multisig key the body spends from')
    .argument('<signatures...>', 'signature files written by tx sign')
    .action(async (file: string, name: string, sigFiles: string[], _opts: unknown, cmd: Command) => {
      const ctx = chainContext(cmd, io);
      const body = await readBody(io, file, ctx.prefix);
      const multisig = multisigKey(ctx, name);
      expectSigner(body, multisig);
      const signatures = [];
      for (const sigFile of sigFiles) signatures.push(parseSignatureFile(sigFile, await readText(io, sigFile)));
      const bytes = multisign(body, multisig.name, signatures);
      io.stdout.write(`${JSON.stringify({ tx: toHex(bytes), id: toHex(txId(bytes)) }, null, 2)}\n`);
    });

  withNodeOption(
    tx
      .command('broadcast')
      .description('submit a signed transaction from tx multisign or tx sign')
      .argument('<file>', 'the signed transaction ({ "tx": "<hex>" }), or - for standard input')
      .addOption(
        new Option('--mode <mode>', 'commit: wait for inclusion; sync: until admitted to the mempool; async: at once')
          .choices(['async', 'sync', 'commit'])
          .default('commit'),
      )
      .option('--dry-run', "run the node's admission check, without submitting")
      .option('--timeout <seconds>', 'how long to wait for inclusion', seconds, DEFAULT_WAIT_SECONDS),
  ).action(async (file: string, opts: { mode: Mode; timeout: number; dryRun?: boolean }, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const bytes = parseSignedFile(file, await readText(io, file));
    const body = decodeTx(bytes).body as TxBody;
    const result =
      opts.dryRun === true ? await dryRun(ctx, bytes) : await submit(ctx, io, bytes, opts.mode, opts.timeout);
    report(io, ctx.json, result, txSummary(body, ctx.prefix));
  });

  return tx;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Submits the bytes. `commit` submits in sync mode (so a refusal comes back at once with its code) and then waits
 * for inclusion, with progress on stderr.
 */
async function submit(ctx: ChainContext, io: CliIo, bytes: Uint8Array, mode: Mode, timeoutS: number) {
  const client = ctx.client();
  const submitted = await client.submit(bytes, mode === 'commit' ? 'sync' : mode);
  if (mode !== 'commit')
    return { id: submitted.id, ...(submitted.status === undefined ? {} : { status: submitted.status }) };
  const shown = progress(io, `waiting for ${submitted.id.slice(0, 12)}… to be included in a block`);
  try {
    const info = await client.waitForTx(submitted.id, {
      timeoutMs: timeoutS * 1000,
      pollMs: 250,
      onProgress: (ms) => shown.tick(ms),
    });
    return { id: submitted.id, height: info.height, index: info.index } satisfies Submitted;
  } finally {
    shown.done();
  }
}

function report(io: CliIo, json: boolean, result: Submitted, summary: TxSummary): void {
  const status = result.height === undefined ? (result.status ?? 'submitted') : 'committed';
  const where = { id: result.id, status, height: result.height, index: result.index };
  if (json) printResult(io.stdout, true, { ...where, ...summaryJson(summary) });
  else printResult(io.stdout, false, { ...where, ...readableSummary(summary) });
}

function signerOf(info: KeyInfo): Uint8Array | MultisigKey {
  return info.kind === 'ed25519'
    ? fromHex(info.publicKey)
    : { threshold: info.threshold, publicKeys: info.publicKeys.map((k) => fromHex(k)) };
}

type MultisigInfo = Extract<KeyInfo, { kind: 'multisig' }>;

function multisigKey(ctx: ChainContext, name: string): MultisigInfo {
  const info = ctx.keyring.get(name);
  if (info.kind !== 'multisig') {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `"${info.name}" is a single key, not a multisig key`);
  }
  return info;
}

/** The body must spend from exactly this key (same threshold and the same sorted key set). */
function expectSigner(body: TxBody, key: KeyInfo): void {
  const signer = body.signer?.key;
  const matches =
    key.kind === 'ed25519'
      ? signer?.case === 'ed25519' && toHex(signer.value) === key.publicKey
      : signer?.case === 'multisig' &&
        signer.value.threshold === key.threshold &&
        signer.value.publicKeys.length === key.publicKeys.length &&
        signer.value.publicKeys.every((k, i) => bytesEqual(k, fromHex(key.publicKeys[i] as string)));
  if (!matches) {
    throw new BabyError(
      CliErrorCode.WRONG_SIGNER,
      `the body does not spend from ${key.kind === 'multisig' ? 'multisig ' : ''}key "${key.name}" (${key.address})`,
      { key: key.name },
    );
  }
}

async function readText(io: CliIo, file: string): Promise<string> {
  if (file === '-') return io.readAll();
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${file}: ${(err as Error).message}`, { file });
  }
}

export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BabyError(CliErrorCode.BAD_FILE, `${file} is not JSON`, { file });
  }
}

async function readBody(io: CliIo, file: string, prefix: string): Promise<TxBody> {
  return readUnsignedFile(file, parseJsonFile(file, await readText(io, file)), prefix);
}

function parseSignatureFile(file: string, text: string): SourcedSignature {
  return readSignatureFile(file, parseJsonFile(file, text));
}

function parseSignedFile(file: string, text: string): Uint8Array {
  const value = parseJsonFile(file, text) as { tx?: unknown } | null;
  const hex = value?.tx;
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})+$/.test(hex)) {
    throw new BabyError(CliErrorCode.BAD_FILE, `${file} is not a signed transaction: expected { "tx": "<hex>" }`, {
      file,
    });
  }
  return fromHex(hex);
}

export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `--timeout must be a number of seconds up to 3600, not ${value}`);
  }
  return n;
}

/**
 * Signing and submitting a governance transaction for `baby gov` (specs/governance.md GOV-1): who signs (a keyring
 * key or a validator's consensus key), the fee and nonce from the node, and the report once it is admitted or
 * committed. Apart from gov.ts, which is the command tree.
 */
import { assembleTx, type GovTxFields, signBody, submitAndWait, txIdHex } from '@babychain/client';
import type { TxBody } from '@babychain/codec';
import { BabyError, fromHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import type { Command } from 'commander';
import { type ChainContext, formatAmount, parseAmount, progress, withNodeOption } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { readPassphrase } from '../secrets.ts';
import { dryRun, type Submitted } from '../submit-modes.ts';
import { readValidatorSeed } from '../validator-key.ts';
import { DEFAULT_WAIT_SECONDS, seconds } from './tx.ts';

export interface SignerOptions {
  from?: string;
  validatorHome?: string;
  fee?: string;
  memo: string;
  wait: boolean;
  dryRun?: boolean;
  timeout: number;
}

export function signerOptions(cmd: Command): Command {
  return withNodeOption(cmd)
    .option('--from <key>', 'sign with this key of the keyring')
    .option('--validator-home <dir>', "sign with the validator's consensus key in <dir>/priv_validator_key.json")
    .option('--fee <amount>', "fee paid to the block proposer (default: the chain's minimum fee)")
    .option('--memo <text>', 'free text, at most 256 bytes', '')
    .option('--no-wait', 'return once the node has admitted the transaction to its mempool')
    .option('--dry-run', "sign and run the node's admission check (governance rules included), without submitting")
    .option('--timeout <seconds>', 'how long to wait for inclusion', seconds, DEFAULT_WAIT_SECONDS);
}

export interface GovSigner {
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** a fresh copy of the seed (a keyring key asks for its passphrase); the caller wipes it after signing */
  seed(io: CliIo): Promise<Uint8Array>;
}

/**
 * The signer from `--from` (a keyring key, unlocked only when signing) or `--validator-home` (the consensus key is
 * the validator's governance identity, GOV-1). Checked before anything is asked of the node.
 */
export function govSigner(ctx: ChainContext, opts: SignerOptions): GovSigner {
  if (opts.from !== undefined && opts.validatorHome !== undefined) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'give either --from or --validator-home, not both');
  }
  if (opts.validatorHome !== undefined) {
    const seed = readValidatorSeed(opts.validatorHome);
    const publicKey = publicKeyFromSeed(seed);
    return {
      address: encodeAddress(addressFromPublicKey(publicKey), ctx.prefix),
      publicKey,
      seed: () => Promise.resolve(seed.slice()),
    };
  }
  if (opts.from === undefined) {
    throw new BabyError(
      CliErrorCode.NO_SIGNER,
      'say who signs: --from <key> (a keyring key) or --validator-home <dir> (a validator votes with its node key)',
    );
  }
  const key = ctx.keyring.get(opts.from);
  if (key.kind !== 'ed25519') {
    throw new BabyError(
      CliErrorCode.BAD_ARGUMENT,
      `"${key.name}" is a multisig key; governance transactions are signed by a single key`,
    );
  }
  const name = key.name;
  return {
    address: key.address,
    publicKey: fromHex(key.publicKey),
    seed: async (io) => (await ctx.keyring.unlock(name, await readPassphrase(io, 'unlock'))).seed,
  };
}

/** Reads the chain id, minimum fee and nonce, signs the body, submits it and (unless --no-wait) waits for it. */
export async function sendSigned(
  ctx: ChainContext,
  io: CliIo,
  opts: SignerOptions,
  signer: GovSigner,
  build: (fields: GovTxFields) => TxBody,
  details: Record<string, unknown>,
  /** more to report once the transaction is in a block */
  after?: (height: bigint) => Promise<Record<string, unknown>>,
): Promise<void> {
  const client = ctx.client();
  const fee = opts.fee === undefined ? undefined : parseAmount(opts.fee, 'fee', true);
  const [status, account] = await Promise.all([client.status(), client.account(signer.address)]);
  const body = build({
    chainId: status.chainId,
    signerPublicKey: signer.publicKey,
    nonce: account.nonce,
    fee: fee ?? status.params.minFee,
    memo: opts.memo,
  });
  const seed = await signer.seed(io);
  let bytes: Uint8Array;
  try {
    bytes = assembleTx(body, [signBody(body, seed)]);
  } finally {
    seed.fill(0);
  }
  const result = opts.dryRun === true ? await dryRun(ctx, bytes) : await submitWithProgress(client, io, bytes, opts);
  const state = result.height === undefined ? (result.status ?? 'submitted') : 'committed';
  const found = result.height === undefined || after === undefined ? {} : await after(result.height);
  const out = {
    id: result.id,
    status: state,
    height: result.height,
    index: result.index,
    from: signer.address,
    ...found,
    ...details,
    fee: body.fee,
    nonce: body.nonce,
  };
  if (ctx.json) printResult(io.stdout, true, out);
  else printResult(io.stdout, false, { ...out, fee: formatAmount(body.fee), ...human(details) });
}

async function submitWithProgress(
  client: ReturnType<ChainContext['client']>,
  io: CliIo,
  bytes: Uint8Array,
  opts: SignerOptions,
): Promise<Submitted> {
  const shown = progress(io, `waiting for ${txIdHex(bytes).slice(0, 12)}… to be included in a block`);
  try {
    return await submitAndWait(client, bytes, {
      wait: opts.wait,
      waitTimeoutMs: opts.timeout * 1000,
      onProgress: (ms) => shown.tick(ms),
    });
  } finally {
    shown.done();
  }
}

function human(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) out[k] = k === 'deposit' && typeof v === 'bigint' ? formatAmount(v) : v;
  return out;
}

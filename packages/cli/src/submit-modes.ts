/**
 * What a `tx` or `gov` command needs from the node besides the submission itself: the chain id, fee and nonce it
 * does not know (none when all three are given, so that `--generate-only` runs offline), and `--dry-run`, the
 * node's admission check without the submission.
 */

import { BabyError, isBabyError } from '@babychain/codec';
import type { ChainContext } from './chain.ts';
import { CliErrorCode } from './errors.ts';

export interface TxFields {
  readonly chainId: string;
  readonly fee: bigint;
  readonly nonce: bigint;
}

/** What a command learnt of its transaction's fate. */
export interface Submitted {
  readonly id: string;
  readonly status?: string;
  readonly height?: bigint;
  readonly index?: number;
}

export const DRY_RUN_STATUS = 'checked, not submitted (dry run)';

/**
 * The fields given, the others read from the node (the chain's minimum fee, the account's nonce). `offline`: the
 * command would work without a node (`--generate-only`), so an unreachable node is answered CLI_OFFLINE_MISSING
 * naming the options that would have spared it.
 */
export async function txFields(
  ctx: ChainContext,
  given: {
    readonly chainId: string | undefined;
    readonly fee: bigint | undefined;
    readonly nonce: bigint | undefined;
    readonly address: string;
  },
  offline: boolean,
): Promise<TxFields> {
  const { chainId, fee, nonce } = given;
  if (chainId !== undefined && fee !== undefined && nonce !== undefined) return { chainId, fee, nonce };
  try {
    const status = chainId === undefined || fee === undefined ? await ctx.client().status() : undefined;
    return {
      chainId: chainId ?? (status?.chainId as string),
      fee: fee ?? (status?.params.minFee as bigint),
      nonce: nonce ?? (await ctx.client().account(given.address)).nonce,
    };
  } catch (err) {
    if (!offline || !isBabyError(err, 'CLIENT_UNREACHABLE')) throw err;
    const missing = [
      ...(chainId === undefined ? ['--chain-id'] : []),
      ...(nonce === undefined ? ['--nonce'] : []),
      ...(fee === undefined ? ['--fee'] : []),
    ];
    throw new BabyError(
      CliErrorCode.OFFLINE_MISSING,
      `no node answered at ${ctx.url}: without one, --generate-only needs --chain-id, --nonce and --fee; ` +
        `missing ${missing.join(', ')}`,
      { missing, node: ctx.url },
      { cause: err },
    );
  }
}

/** `--dry-run`: the node checks the signed bytes against its committed state (APP-1) and keeps nothing. */
export async function dryRun(ctx: ChainContext, bytes: Uint8Array): Promise<Submitted> {
  const checked = await ctx.client().check(bytes);
  return { id: checked.id, status: DRY_RUN_STATUS };
}

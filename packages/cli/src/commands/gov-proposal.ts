/**
 * What every `baby gov propose …` shares (GOV-4): the title and deposit options, who signs, and submitting the
 * proposal with the content built from the governance record, then reporting the id the node gave it.
 */
import { type ProposalContent, proposalBody, type UpgradeStatus } from '@babychain/client';
import { isBabyError, toHex } from '@babychain/codec';
import { addressFromPublicKey } from '@babychain/crypto';
import type { Command } from 'commander';
import { type ChainContext, parseAmount } from '../chain.ts';
import type { CliIo } from '../io.ts';
import { type GovSigner, govSigner, type SignerOptions, sendSigned, signerOptions } from './gov-send.ts';
import { periods } from './gov-show.ts';

export interface ProposeOptions extends SignerOptions {
  deposit?: string;
  title: string;
}

// ---------------------------------------------------------------------------------------------------------------

export function proposeOptions(cmd: Command): Command {
  return signerOptions(cmd)
    .requiredOption('--title <text>', 'what the proposal is, 1 to 140 bytes')
    .option('--deposit <amount>', 'locked while voting (default: the minimum deposit in force)');
}

/** What a proposal command checks before asking the node anything: who signs and the deposit given. */
export function proposalInput(ctx: ChainContext, opts: ProposeOptions): { signer: GovSigner; deposit?: bigint } {
  const deposit = opts.deposit === undefined ? undefined : parseAmount(opts.deposit, 'deposit');
  const signer = govSigner(ctx, opts);
  return deposit === undefined ? { signer } : { signer, deposit };
}

/**
 * Reads the governance record, builds the content from it (the values in force, the periods by maturity), submits
 * the proposal with the given deposit or the minimum in force, and reports the id the node gave it.
 */
export async function submitProposal(
  ctx: ChainContext,
  io: CliIo,
  opts: ProposeOptions,
  input: { signer: GovSigner; deposit?: bigint },
  contentOf: (info: UpgradeStatus) => { content: ProposalContent; details: Record<string, unknown> },
): Promise<void> {
  const info = await ctx.client().upgrade();
  const { content, details } = contentOf(info);
  const deposit = input.deposit ?? info.governance.govParams.minDeposit;
  const proposer = toHex(addressFromPublicKey(input.signer.publicKey));
  await sendSigned(
    ctx,
    io,
    opts,
    input.signer,
    (f) => proposalBody({ ...f, deposit, title: opts.title, content }),
    {
      action: 'propose',
      kind: content.kind,
      title: opts.title,
      deposit,
      ...details,
      votingPeriod: periods(info.governance).voting,
    },
    async (height) => {
      // The id is the node's to give (GOV-4): find the proposal this transaction opened in its block. The
      // transaction is committed by now, so failing to look the id up must not read as a failed proposal.
      const now = await ctx
        .client()
        .upgrade()
        .catch((err: unknown) => {
          if (isBabyError(err)) return undefined;
          throw err;
        });
      const mine = (now?.governance.proposals ?? []).filter(
        (p) => p.proposer === proposer && p.submitHeight === height && p.title === opts.title,
      );
      const last = mine.at(-1);
      return last === undefined ? {} : { proposal: last.id, votingEndHeight: last.votingEndHeight };
    },
  );
}

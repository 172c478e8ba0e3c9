import { readFile } from 'node:fs/promises';
import { attestBody, readyBody, VOTE_CHOICES, type VoteChoice, voteBody } from '@babychain/client';
import { BabyError, fromHex, sha256, toHex } from '@babychain/codec';
import { Command } from 'commander';
import { chainContext, parseWhole, withNodeOption } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { releaseInfoOf } from '../release/release-info.ts';
import { checkPlanSources } from '../release/source-check.ts';
import { type ParamOptions, paramChange } from './gov-param-change.ts';
import { loadPlanFile, planOf } from './gov-plan-file.ts';
import { type ProposeOptions, proposalInput, proposeOptions, submitProposal } from './gov-proposal.ts';
import { govSigner, type SignerOptions, sendSigned, signerOptions } from './gov-send.ts';
import { printGovernance } from './gov-show.ts';
import { possessionCommand, validatorProposals } from './gov-validators.ts';

/** `baby gov …`: proposals, votes, release attestations and ready signals (specs/governance.md), and the record. */
export function govCommand(io: CliIo): Command {
  const gov = new Command('gov').description('governance: propose, vote, attest releases, signal ready, show');
  const propose = gov.command('propose').description('submit a proposal with its deposit (GOV-4)');

  proposeOptions(
    propose
      .command('upgrade')
      .description('propose a software upgrade plan (UPG-1) described by a plan file')
      .requiredOption('--plan <file>', 'plan.json: { name, height, appVersion, urls, manifest: <SignedManifest file> }')
      .option('--height-in <blocks>', 'set the height this many blocks after the earliest the chain accepts')
      .option('--skip-fetch-check', 'propose without first fetching every URL and checking size and digest', false),
  ).action(
    async (opts: ProposeOptions & { plan: string; heightIn?: string; skipFetchCheck: boolean }, cmd: Command) => {
      const ctx = chainContext(cmd, io);
      const heightIn = opts.heightIn === undefined ? undefined : parseWhole(opts.heightIn, '--height-in');
      if (heightIn === 0n) throw new BabyError(CliErrorCode.BAD_ARGUMENT, '--height-in must be at least 1 block');
      const proposal = proposalInput(ctx, opts);
      const file = await loadPlanFile(opts.plan);
      if (!opts.skipFetchCheck) {
        await checkPlanSources(io, file.urls, file.release, cmd.optsWithGlobals<{ json?: boolean }>().json === true);
      }
      await submitProposal(ctx, io, opts, proposal, (info) => {
        const plan = planOf(file, info, heightIn);
        return {
          content: { kind: 'software-upgrade', plan },
          details: {
            plan: plan.name,
            planHeight: plan.height,
            appVersion: plan.appVersion,
            version: plan.release?.manifest?.version,
          },
        };
      });
    },
  );

  proposeOptions(
    propose
      .command('cancel')
      .description('propose removing the scheduled plan of this name (GOV-10)')
      .argument('<name>', 'the scheduled plan'),
  ).action(async (name: string, opts: ProposeOptions, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    await submitProposal(ctx, io, opts, proposalInput(ctx, opts), () => ({
      content: { kind: 'cancel-upgrade', name },
      details: { plan: name },
    }));
  });

  proposeOptions(
    propose
      .command('params')
      .description('propose new chain or governance parameters, starting from those in force (GOV-9)')
      .option('--min-fee <amount>', 'STATE-4: the lowest fee a transaction may pay')
      .option('--max-block-bytes <n>', 'BLK-10')
      .option('--max-block-txs <n>', 'BLK-10')
      .option('--min-deposit <amount>', 'the least deposit of a proposal')
      .option('--voting-period <blocks>', 'the voting period of the stage the chain will be in (baby or grown up)')
      .option('--upgrade-delay <blocks>', 'the upgrade delay of the stage the chain will be in')
      .option('--baby-voting-period <blocks>')
      .option('--grown-up-voting-period <blocks>')
      .option('--baby-upgrade-delay <blocks>')
      .option('--grown-up-upgrade-delay <blocks>')
      .option('--release-signers <keys>', 'comma-separated hex ed25519 keys: the new release-signer set (REL-3)')
      .option('--release-threshold <n>', 'signatures a release manifest needs')
      .option('--grown-up', 'declare the chain grown up, for good (GOV-7)'),
  ).action(async (opts: ProposeOptions & ParamOptions, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    await submitProposal(ctx, io, opts, proposalInput(ctx, opts), (info) => {
      const change = paramChange(opts, info.governance);
      return { content: { kind: 'param-change', ...change.content }, details: { changes: change.summary } };
    });
  });

  validatorProposals(propose, io);
  gov.addCommand(possessionCommand(io));

  signerOptions(
    gov
      .command('vote')
      .description("cast a validator's vote; a later vote replaces it (GOV-5)")
      .argument('<proposal-id>', 'the proposal (see gov show)')
      .argument('<option>', VOTE_CHOICES.join(', ')),
  ).action(async (idText: string, optionText: string, opts: SignerOptions, cmd: Command) => {
    const proposalId = parseWhole(idText, 'proposal id');
    const option = optionText.toLowerCase();
    if (!(VOTE_CHOICES as readonly string[]).includes(option)) {
      throw new BabyError(
        CliErrorCode.BAD_ARGUMENT,
        `vote option ${JSON.stringify(optionText)} is not one of ${VOTE_CHOICES.join(', ')}`,
      );
    }
    const ctx = chainContext(cmd, io);
    const signer = govSigner(ctx, opts);
    await sendSigned(ctx, io, opts, signer, (f) => voteBody({ ...f, proposalId, option: option as VoteChoice }), {
      action: 'vote',
      proposal: proposalId,
      option,
    });
  });

  signerOptions(
    gov
      .command('attest')
      .description('attest a release artifact a validator rebuilt and compared (UPG-7, REL-6)')
      .argument('<plan-name>', 'a software upgrade in voting or the scheduled plan')
      .option('--artifact <file>', 'the rebuilt artifact (.tar.gz): its SHA-256 and the platform in its release.json')
      .option('--platform <os-arch>', 'e.g. linux-x64 (with --sha256, or to override the artifact)')
      .option('--sha256 <hex>', 'the digest, without --artifact'),
  ).action(
    async (planName: string, opts: SignerOptions & { artifact?: string; platform?: string; sha256?: string }, cmd) => {
      const ctx = chainContext(cmd, io);
      const { platform, digest } = await attestation(opts);
      const signer = govSigner(ctx, opts);
      await sendSigned(ctx, io, opts, signer, (f) => attestBody({ ...f, planName, platform, sha256: digest }), {
        action: 'attest',
        plan: planName,
        platform,
        sha256: toHex(digest),
      });
    },
  );

  signerOptions(
    gov
      .command('ready')
      .description("signal that this validator's release for the scheduled plan is downloaded and verified (UPG-6)")
      .argument('<plan-name>', 'the scheduled plan'),
  ).action(async (planName: string, opts: SignerOptions, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const signer = govSigner(ctx, opts);
    await sendSigned(ctx, io, opts, signer, (f) => readyBody({ ...f, planName }), { action: 'ready', plan: planName });
  });

  withNodeOption(
    gov
      .command('show')
      .description('proposals and tallies, the scheduled plan and its ready power, attestations, results, maturity'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const info = await ctx.client().upgrade();
    if (ctx.json) printResult(io.stdout, true, { ...info });
    else printGovernance(io.stdout, info);
  });

  return gov;
}

// ---------------------------------------------------------------------------------------------------------------
// Attestations
// ---------------------------------------------------------------------------------------------------------------

async function attestation(opts: {
  artifact?: string;
  platform?: string;
  sha256?: string;
}): Promise<{ platform: string; digest: Uint8Array }> {
  if (opts.artifact !== undefined) {
    if (opts.sha256 !== undefined) {
      throw new BabyError(CliErrorCode.BAD_ARGUMENT, '--sha256 is computed from --artifact; give one of them');
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(opts.artifact));
    } catch (err) {
      throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${opts.artifact}: ${(err as Error).message}`, {
        file: opts.artifact,
      });
    }
    const platform = opts.platform ?? (await releaseInfoOf(bytes)).platform;
    return { platform, digest: sha256(bytes) };
  }
  if (opts.platform === undefined || opts.sha256 === undefined) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'give --artifact <file>, or both --platform and --sha256');
  }
  const hex = opts.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new BabyError(CliErrorCode.BAD_ARGUMENT, '--sha256 must be 64 hex digits');
  return { platform: opts.platform, digest: fromHex(hex) };
}

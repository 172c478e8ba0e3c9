import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  assembleTx,
  attestBody,
  type GovernanceInfo,
  type GovTxFields,
  type ProposalContent,
  proposalBody,
  readyBody,
  signBody,
  submitAndWait,
  txIdHex,
  type UpgradeStatus,
  VOTE_CHOICES,
  type VoteChoice,
  voteBody,
} from '@babychain/client';
import type { GovParams, Params, Plan, SignedManifest, TxBody } from '@babychain/codec';
import { BabyError, compareBytes, fromHex, fromJson, isBabyError, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { Command } from 'commander';
import {
  type ChainContext,
  chainContext,
  formatAmount,
  parseAmount,
  parseWhole,
  progress,
  withNodeOption,
} from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { releaseInfoOf } from '../release/release-info.ts';
import { checkPlanSources } from '../release/source-check.ts';
import { readPassphrase } from '../secrets.ts';
import { dryRun, type Submitted } from '../submit-modes.ts';
import { periods, printGovernance } from './gov-show.ts';
import { DEFAULT_WAIT_SECONDS, parseJsonFile, seconds } from './tx.ts';

interface SignerOptions {
  from?: string;
  validatorHome?: string;
  fee?: string;
  memo: string;
  wait: boolean;
  dryRun?: boolean;
  timeout: number;
}

interface ProposeOptions extends SignerOptions {
  deposit?: string;
  title: string;
}

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
// Signing and submitting
// ---------------------------------------------------------------------------------------------------------------

function signerOptions(cmd: Command): Command {
  return withNodeOption(cmd)
    .option('--from <key>', 'sign with this key of the keyring')
    .option('--validator-home <dir>', "sign with the validator's consensus key in <dir>/priv_validator_key.json")
    .option('--fee <amount>', "fee paid to the block proposer (default: the chain's minimum fee)")
    .option('--memo <text>', 'free text, at most 256 bytes', '')
    .option('--no-wait', 'return once the node has admitted the transaction to its mempool')
    .option('--dry-run', "sign and run the node's admission check (governance rules included), without submitting")
    .option('--timeout <seconds>', 'how long to wait for inclusion', seconds, DEFAULT_WAIT_SECONDS);
}

function proposeOptions(cmd: Command): Command {
  return signerOptions(cmd)
    .requiredOption('--title <text>', 'what the proposal is, 1 to 140 bytes')
    .option('--deposit <amount>', 'locked while voting (default: the minimum deposit in force)');
}

interface GovSigner {
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** a fresh copy of the seed (a keyring key asks for its passphrase); the caller wipes it after signing */
  seed(io: CliIo): Promise<Uint8Array>;
}

/**
 * The signer from `--from` (a keyring key, unlocked only when signing) or `--validator-home` (the consensus key is
 * the validator's governance identity, GOV-1). Checked before anything is asked of the node.
 */
function govSigner(ctx: ChainContext, opts: SignerOptions): GovSigner {
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

const VALIDATOR_KEY_FILE = 'priv_validator_key.json';

function readValidatorSeed(home: string): Uint8Array {
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

/** Reads the chain id, minimum fee and nonce, signs the body, submits it and (unless --no-wait) waits for it. */
async function sendSigned(
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

/** What a proposal command checks before asking the node anything: who signs and the deposit given. */
function proposalInput(ctx: ChainContext, opts: ProposeOptions): { signer: GovSigner; deposit?: bigint } {
  const deposit = opts.deposit === undefined ? undefined : parseAmount(opts.deposit, 'deposit');
  const signer = govSigner(ctx, opts);
  return deposit === undefined ? { signer } : { signer, deposit };
}

/**
 * Reads the governance record, builds the content from it (the values in force, the periods by maturity), submits
 * the proposal with the given deposit or the minimum in force, and reports the id the node gave it.
 */
async function submitProposal(
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

// ---------------------------------------------------------------------------------------------------------------
// The plan file
// ---------------------------------------------------------------------------------------------------------------

interface PlanFile {
  readonly path: string;
  readonly name: string;
  readonly height?: bigint;
  readonly appVersion?: number;
  readonly urls: string[];
  readonly release: SignedManifest;
}

function badPlan(path: string, what: string): BabyError {
  return new BabyError(CliErrorCode.BAD_PLAN, `${path}: ${what}`, { file: path });
}

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
  return parseJsonFile(path, text);
}

/** plan.json with its manifest file (a path relative to plan.json's directory) read and decoded. */
async function loadPlanFile(path: string): Promise<PlanFile> {
  const raw = await readJsonFile(path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badPlan(path, 'expected a JSON object');
  const { name, height, appVersion, urls, manifest } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw badPlan(path, '"name" must be the plan name (a string)');
  let h: bigint | undefined;
  if (height !== undefined) {
    const text = typeof height === 'number' && Number.isSafeInteger(height) ? String(height) : height;
    if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) throw badPlan(path, '"height" must be a whole number');
    h = BigInt(text);
  }
  if (appVersion !== undefined && (typeof appVersion !== 'number' || !Number.isInteger(appVersion) || appVersion < 0)) {
    throw badPlan(path, '"appVersion" must be a whole number');
  }
  if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string')) {
    throw badPlan(path, '"urls" must be a list of download URLs');
  }
  if (typeof manifest !== 'string' || manifest === '') {
    throw badPlan(path, '"manifest" must be the path of the signed manifest (written by baby release manifest)');
  }
  const manifestPath = resolve(dirname(path), manifest);
  const manifestJson = await readJsonFile(manifestPath);
  let release: SignedManifest;
  try {
    release = fromJson('babychain.v0.SignedManifest', manifestJson);
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw badPlan(manifestPath, `not a signed release manifest: ${err.message}`);
  }
  return {
    path,
    name,
    ...(h === undefined ? {} : { height: h }),
    ...(appVersion === undefined ? {} : { appVersion }),
    urls: urls as string[],
    release,
  };
}

/**
 * The plan to propose. `--height-in n` puts it n blocks after the earliest height UPG-2 accepts when the proposal
 * lands in the next block: the next height, plus the voting period, plus the upgrade delay, by maturity.
 */
function planOf(file: PlanFile, info: UpgradeStatus, heightIn: bigint | undefined): Plan {
  const { voting, delay } = periods(info.governance);
  const height = heightIn === undefined ? file.height : info.height + 1n + voting + delay + heightIn;
  if (height === undefined) throw badPlan(file.path, 'give "height" in the plan or --height-in <blocks>');
  return {
    name: file.name,
    height,
    appVersion: file.appVersion ?? info.governance.appVersion + 1,
    release: file.release,
    urls: file.urls,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Parameter changes
// ---------------------------------------------------------------------------------------------------------------

interface ParamOptions {
  minFee?: string;
  maxBlockBytes?: string;
  maxBlockTxs?: string;
  minDeposit?: string;
  votingPeriod?: string;
  upgradeDelay?: string;
  babyVotingPeriod?: string;
  grownUpVotingPeriod?: string;
  babyUpgradeDelay?: string;
  grownUpUpgradeDelay?: string;
  releaseSigners?: string;
  releaseThreshold?: string;
  grownUp?: boolean;
}

/**
 * GOV-9 replaces params and gov params as a whole, so each starts from the values in force and takes what the
 * options change; one that no option touches is left out of the proposal.
 */
function paramChange(
  opts: ParamOptions,
  g: GovernanceInfo,
): { content: { params?: Params; govParams?: GovParams; grownUp?: boolean }; summary: string[] } {
  const summary: string[] = [];
  const grownUp = opts.grownUp === true;
  const stage = grownUp || g.maturity === 'grown-up' ? 'grownUp' : 'baby';
  const blocks = (text: string | undefined, flag: string) => (text === undefined ? undefined : parseWhole(text, flag));
  const count = (text: string | undefined, flag: string) => {
    const v = blocks(text, flag);
    if (v !== undefined && v > 0xffff_ffffn) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${flag} is too large`);
    return v === undefined ? undefined : Number(v);
  };

  const params: Params = { ...g.params };
  let paramsChanged = false;
  const setParam = <K extends keyof Params>(key: K, value: Params[K] | undefined) => {
    if (value === undefined) return;
    summary.push(`${key} ${String(g.params[key])} -> ${String(value)}`);
    params[key] = value;
    paramsChanged = true;
  };
  setParam('minFee', opts.minFee === undefined ? undefined : parseAmount(opts.minFee, '--min-fee', true));
  setParam('maxBlockBytes', blocks(opts.maxBlockBytes, '--max-block-bytes'));
  setParam('maxBlockTxs', count(opts.maxBlockTxs, '--max-block-txs'));

  const inForce: GovParams = {
    ...g.govParams,
    releaseSigners: g.releaseSigners.map((k) => fromHex(k)),
    releaseThreshold: g.releaseThreshold,
  };
  const govParams: GovParams = { ...inForce };
  let govChanged = false;
  const setGov = <K extends keyof GovParams>(key: K, value: GovParams[K] | undefined, shown?: string) => {
    if (value === undefined) return;
    summary.push(`${key} -> ${shown ?? String(value)}`);
    govParams[key] = value;
    govChanged = true;
  };
  setGov('minDeposit', opts.minDeposit === undefined ? undefined : parseAmount(opts.minDeposit, '--min-deposit'));
  setGov(`${stage}VotingPeriod`, blocks(opts.votingPeriod, '--voting-period'));
  setGov(`${stage}UpgradeDelay`, blocks(opts.upgradeDelay, '--upgrade-delay'));
  setGov('babyVotingPeriod', blocks(opts.babyVotingPeriod, '--baby-voting-period'));
  setGov('grownUpVotingPeriod', blocks(opts.grownUpVotingPeriod, '--grown-up-voting-period'));
  setGov('babyUpgradeDelay', blocks(opts.babyUpgradeDelay, '--baby-upgrade-delay'));
  setGov('grownUpUpgradeDelay', blocks(opts.grownUpUpgradeDelay, '--grown-up-upgrade-delay'));
  if (opts.releaseSigners !== undefined) {
    const keys = releaseSigners(opts.releaseSigners);
    setGov('releaseSigners', keys, keys.length === 0 ? 'none' : keys.map((k) => toHex(k)).join(','));
  }
  setGov('releaseThreshold', count(opts.releaseThreshold, '--release-threshold'));
  if (grownUp) summary.push('maturity -> grown-up');

  if (!paramsChanged && !govChanged && !grownUp) {
    throw new BabyError(
      CliErrorCode.BAD_ARGUMENT,
      'nothing to change: give at least one parameter option (--min-fee, --voting-period, ...) or --grown-up',
    );
  }
  return {
    content: {
      ...(paramsChanged ? { params } : {}),
      ...(govChanged ? { govParams } : {}),
      ...(grownUp ? { grownUp } : {}),
    },
    summary,
  };
}

/** Comma-separated hex keys, put in the strictly ascending order GOV-2 requires; "" is the empty set. */
function releaseSigners(text: string): Uint8Array[] {
  const parts = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const p of parts) {
    if (!/^[0-9a-f]{64}$/.test(p)) {
      throw new BabyError(CliErrorCode.BAD_ARGUMENT, `release signer ${JSON.stringify(p)} is not 64 hex digits`);
    }
  }
  return [...new Set(parts)].map((p) => fromHex(p)).sort(compareBytes);
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

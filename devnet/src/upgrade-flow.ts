// The steps of an on-chain upgrade on a launcher-mode devnet, shared by `pnpm devnet upgrade-demo` and the e2e
// test: build and sign a release, propose it, vote, watch every launcher prepare it, and watch the switch.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BabyClient } from '@babychain/client';
import {
  attestBody,
  type ProposalContent,
  proposalBody,
  sendGovernanceTx,
  sendTransfer,
  voteBody,
} from '@babychain/client';
import type { Plan, ReleaseManifest, SignedManifest, TxBody } from '@babychain/codec';
import { compareBytes, fromHex, isBabyError } from '@babychain/codec';
import { publicKeyFromSeed } from '@babychain/crypto';
import { describeArtifact, signManifest, withSignature } from '@babychain/upgrade';
import type { Devnet } from './devnet.ts';
import { devnetError } from './errors.ts';
import { type BuiltRelease, buildRelease, headCommit, releaseSource } from './release.ts';
import { sleep, waitFor } from './wait.ts';

/** What an upgrade needs from its devnet: the release signers' seeds and where the release bucket lives. */
export interface UpgradeContext {
  readonly devnet: Devnet;
  /** scratch space: source clones and built artifacts */
  readonly workDir: string;
  /** the artifact server's directory (files named by sha256 hex) and its URL */
  readonly bucketDir: string;
  readonly bucketUrl: string;
  /** release signer seeds (`releaseSigners`); the first RELEASE_THRESHOLD sign */
  readonly signerSeeds: readonly Uint8Array[];
  readonly print: (line: string) => void;
}

export interface PreparedRelease {
  readonly built: BuiltRelease;
  /** sha256 of a second build from a fresh clone of the same commit (REL-6), for the attestations */
  readonly rebuiltSha256: string;
  readonly manifest: SignedManifest;
}

/** Governance parameters short enough to watch: a vote lasts 6 blocks and a plan follows 3 blocks after. */
export const DEMO_GOV_PARAMS = {
  minDeposit: 10_000_000n,
  babyVotingPeriod: 6n,
  grownUpVotingPeriod: 12n,
  babyUpgradeDelay: 3n,
  grownUpUpgradeDelay: 6n,
} as const;
/** What each validator's own address holds for fees and deposits: 1 000 BABY. */
export const VALIDATOR_FUNDS = 1_000_000_000n;
export const RELEASE_SIGNERS = 3;
export const RELEASE_THRESHOLD = 2;

/** Fresh release-signer seeds (3) and the genesis governance parameters naming them, threshold 2. */
export function releaseSigners(): { seeds: Uint8Array[]; govParams: Record<string, unknown> } {
  const seeds = Array.from({ length: RELEASE_SIGNERS }, () => new Uint8Array(randomBytes(32)));
  const keys = seeds.map((s) => publicKeyFromSeed(s)).sort(compareBytes);
  return {
    seeds,
    govParams: { ...DEMO_GOV_PARAMS, releaseSigners: keys, releaseThreshold: RELEASE_THRESHOLD },
  };
}

/** The validator's seed from its home (GOV-1: the consensus key is the governance identity). */
export function validatorSeed(devnet: Devnet, i: number): Uint8Array {
  const json = JSON.parse(readFileSync(join(devnet.node(i).home, 'priv_validator_key.json'), 'utf8')) as {
    seed: string;
  };
  return fromHex(json.seed);
}

/** Builds the release of `planName` twice from its commit (the second as a validator rebuilding it), signs it. */
export async function prepareRelease(
  ctx: UpgradeContext,
  release: {
    planName: string;
    version: string;
    appVersion: number;
    expiresInMs?: number;
    /** the overlays of devnet/upgrades/ this release is made of, in order; default: just its plan's */
    overlays?: readonly string[];
  },
): Promise<PreparedRelease> {
  const dir = join(ctx.workDir, release.planName);
  mkdirSync(dir, { recursive: true });
  // Both builds start from the same base commit, even if the repository moves on meanwhile.
  const base = await headCommit();
  const overlays = release.overlays ?? [release.planName];
  const source = await releaseSource(dir, overlays, base);
  const built = await buildRelease(source, join(dir, `babychain-${release.version}.tar.gz`), release);
  const rebuildSource = await releaseSource(join(dir, 'rebuild'), overlays, base);
  const rebuilt = await buildRelease(rebuildSource, join(dir, 'rebuild', 'artifact.tar.gz'), release);
  ctx.print(
    `  built ${release.version} from ${built.sourceCommit.slice(0, 12)} in ${(built.buildMs / 1000).toFixed(1)} s: ` +
      `${built.size} bytes, sha256 ${built.sha256.slice(0, 16)}…; rebuilt from a fresh clone: ` +
      `${rebuilt.sha256 === built.sha256 ? 'same digest' : `DIFFERENT digest ${rebuilt.sha256}`}`,
  );
  copyFileSync(built.path, join(ctx.bucketDir, built.sha256));
  const manifest: ReleaseManifest = {
    chainId: ctx.devnet.state.chainId,
    planName: release.planName,
    version: release.version,
    artifacts: [describeArtifact(readFileSync(built.path), built.platform)],
    expiresMs: BigInt(Date.now() + (release.expiresInMs ?? 24 * 3600_000)),
    sourceCommit: built.sourceCommit,
  };
  let signed: SignedManifest = { manifest, signatures: [] };
  for (const seed of ctx.signerSeeds.slice(0, RELEASE_THRESHOLD))
    signed = withSignature(signed, signManifest(manifest, seed));
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ sha256: built.sha256, version: release.version })}\n`);
  return { built, rebuiltSha256: rebuilt.sha256, manifest: signed };
}

/** Who signs a governance transaction: validator i (its consensus key, GOV-1) or any funded key. */
export type GovSigner = number | { readonly seed: Uint8Array; readonly address: string };

/**
 * Signs `body` and waits until it is committed; throws the node's refusal. A validator's launcher signs with the
 * same key (SignalReady), so a nonce taken by it in the meantime is retried with the next one.
 */
export async function sendAs(devnet: Devnet, signer: GovSigner, build: (common: CommonBody) => TxBody): Promise<void> {
  const node = typeof signer === 'number' ? signer : 0;
  const client = devnet.rpc(node, 10_000);
  const seed = typeof signer === 'number' ? validatorSeed(devnet, signer) : signer.seed;
  for (let attempt = 1; ; attempt++) {
    const body = build(await commonBody(client, seed, typeof signer === 'number' ? undefined : signer.address));
    try {
      await sendGovernanceTx(client, body, seed, { wait: true });
      return;
    } catch (err) {
      const code = isBabyError(err) ? err.code : '';
      const nonceRace = code === 'TX_BAD_NONCE' || code === 'MEMPOOL_REPLACEMENT_UNDERPRICED';
      if (!nonceRace || attempt >= 10) throw err;
      await sleep(300); // pacing: let the launcher's transaction commit
    }
  }
}

interface CommonBody {
  readonly chainId: string;
  readonly signerPublicKey: Uint8Array;
  readonly nonce: bigint;
  readonly fee: bigint;
}

async function commonBody(client: BabyClient, seed: Uint8Array, holder?: string): Promise<CommonBody> {
  const publicKey = publicKeyFromSeed(seed);
  const status = await client.status();
  const address = holder ?? status.validator?.address;
  if (address === undefined) throw devnetError('DEVNET_NOT_RUNNING', 'the node answering is not a validator');
  const account = await client.account(address);
  return { chainId: status.chainId, signerPublicKey: publicKey, nonce: account.nonce, fee: status.params.minFee };
}

/** A validator's vote, or null when it does not vote. */
export type VoteWord = 'yes' | 'no' | 'abstain' | 'veto' | null;

export interface ProposedUpgrade {
  readonly proposalId: bigint;
  readonly plan: Plan;
}

/**
 * Validator `proposer` proposes the plan (its height `heightIn` blocks after the earliest the rules allow), then
 * the validators vote as `votes` says. Returns once every vote is committed.
 */
export async function proposeUpgrade(
  ctx: UpgradeContext,
  prepared: PreparedRelease,
  options: {
    proposer: GovSigner;
    votes: readonly VoteWord[];
    heightIn: number;
    /** the plan's URLs before the bucket's (LCH-3 tries them in order) */
    firstUrls?: readonly string[];
  },
): Promise<ProposedUpgrade> {
  const { devnet } = ctx;
  const client = devnet.rpc(typeof options.proposer === 'number' ? options.proposer : 0, 10_000);
  const upgrade = await client.upgrade();
  const status = await client.status();
  const period =
    upgrade.governance.maturity === 'baby'
      ? upgrade.governance.govParams.babyVotingPeriod
      : upgrade.governance.govParams.grownUpVotingPeriod;
  const delay =
    upgrade.governance.maturity === 'baby'
      ? upgrade.governance.govParams.babyUpgradeDelay
      : upgrade.governance.govParams.grownUpUpgradeDelay;
  // The proposal lands in one of the next few blocks: leave room for that on top of the rule's minimum.
  const height = status.height + 3n + BigInt(period) + BigInt(delay) + BigInt(options.heightIn);
  const manifest = prepared.manifest.manifest as ReleaseManifest;
  const plan: Plan = {
    name: manifest.planName,
    height,
    appVersion: prepared.built.appVersion,
    release: prepared.manifest,
    urls: [...(options.firstUrls ?? []), `${ctx.bucketUrl}/{sha256}`],
  };
  const proposalId = await proposeAndVote(ctx, {
    proposer: options.proposer,
    title: `Upgrade to ${manifest.version} at height ${height}`,
    content: { kind: 'software-upgrade', plan },
    votes: options.votes,
  });
  ctx.print(
    `  proposal ${proposalId}: plan ${plan.name} (${manifest.version}) at height ${height}; votes ${options.votes.map((v) => v ?? '-').join(' ')}`,
  );
  return { proposalId, plan };
}

/**
 * Validator i votes `votes[i]` on the proposal (null: it does not vote), all at once, each through its own node once
 * that node has committed the proposal: one a block behind would refuse the vote (GOV_UNKNOWN_PROPOSAL).
 */
export async function castVotes(devnet: Devnet, proposalId: bigint, votes: readonly VoteWord[]): Promise<void> {
  await Promise.all(
    votes.map(async (option, i) => {
      if (option === null) return;
      await waitFor(
        async () => {
          const upgrade = await devnet
            .rpc(i)
            .upgrade()
            .catch(() => undefined);
          return upgrade?.governance.proposals.some((p) => BigInt(p.id) === proposalId) === true ? true : null;
        },
        { timeoutMs: 30_000, intervalMs: 100, message: `node ${i} to hold proposal ${proposalId}` },
      );
      await sendAs(devnet, i, (c) => voteBody({ ...c, proposalId, option }));
    }),
  );
}

/**
 * Transfers of 1 000 ubaby from `from` (explicit nonces), one every `paceMs`, until the node has committed the block
 * before `height` (the halt); the ids of those the node admitted.
 */
export async function sendUntilHalt(
  client: BabyClient,
  from: { readonly seed: Uint8Array; readonly address: string },
  to: string,
  height: bigint,
  paceMs: number,
): Promise<string[]> {
  let nonce = (await client.account(from.address)).nonce;
  const ids: string[] = [];
  for (;;) {
    const status = await client.status().catch(() => undefined);
    if (status !== undefined && status.height >= height - 1n) return ids;
    try {
      const sent = await sendTransfer(client, { seed: from.seed, to, amount: 1_000n, nonce, wait: false });
      ids.push(sent.id);
      nonce++;
    } catch (err) {
      if (!isBabyError(err)) throw err;
    }
    await sleep(paceMs); // pacing of the load
  }
}

/** Validator `proposer` proposes cancelling the scheduled plan `name` (GOV-10); the validators vote as `votes` says. */
export async function proposeCancel(
  ctx: UpgradeContext,
  name: string,
  options: { proposer: number; votes: readonly VoteWord[] },
): Promise<bigint> {
  const content = { kind: 'cancel-upgrade', name } as const;
  const proposalId = await proposeAndVote(ctx, { ...options, title: `Cancel ${name}`, content });
  ctx.print(`  proposal ${proposalId}: cancel ${name}; votes ${options.votes.map((v) => v ?? '-').join(' ')}`);
  return proposalId;
}

/** GOV-7: validator `proposer` proposes declaring the chain grown up; the validators vote as `votes` says. */
export async function proposeGrowUp(
  ctx: UpgradeContext,
  options: { proposer: number; votes: readonly VoteWord[] },
): Promise<bigint> {
  const content = { kind: 'param-change', grownUp: true } as const;
  const proposalId = await proposeAndVote(ctx, { ...options, title: 'The chain grows up', content });
  ctx.print(`  proposal ${proposalId}: the chain grows up; votes ${options.votes.map((v) => v ?? '-').join(' ')}`);
  return proposalId;
}

/**
 * `proposer` submits `content` with the minimum deposit, then the validators vote as `votes` says; returns the new
 * proposal's id, found as the one id in voting that was in neither list before.
 */
async function proposeAndVote(
  ctx: UpgradeContext,
  options: { proposer: GovSigner; title: string; content: ProposalContent; votes: readonly VoteWord[] },
): Promise<bigint> {
  const { devnet } = ctx;
  const client = devnet.rpc(typeof options.proposer === 'number' ? options.proposer : 0, 10_000);
  const before = (await client.upgrade()).governance;
  const known = new Set([...before.proposals, ...before.results].map((p) => p.id));
  await sendAs(devnet, options.proposer, (c) =>
    proposalBody({
      ...c,
      deposit: BigInt(before.govParams.minDeposit),
      title: options.title,
      content: options.content,
    }),
  );
  const mine = (await client.upgrade()).governance.proposals.find((p) => !known.has(p.id));
  if (mine === undefined) throw devnetError('DEVNET_UPGRADE_FAILED', `"${options.title}" is not in voting`);
  const proposalId = BigInt(mine.id);
  await castVotes(devnet, proposalId, options.votes);
  return proposalId;
}

/**
 * UPG-7: each validator in `validators` states that it rebuilt the release from its source commit and got the
 * rebuilt digest (REL-6).
 */
export async function attestRelease(
  ctx: UpgradeContext,
  prepared: PreparedRelease,
  validators: readonly number[],
): Promise<void> {
  const manifest = prepared.manifest.manifest as ReleaseManifest;
  await Promise.all(
    validators.map((i) =>
      sendAs(ctx.devnet, i, (c) =>
        attestBody({
          ...c,
          planName: manifest.planName,
          platform: prepared.built.platform,
          sha256: fromHex(prepared.rebuiltSha256),
        }),
      ),
    ),
  );
}

/** Waits for the end of a proposal's vote and returns its result's status. */
export async function proposalOutcome(
  devnet: Devnet,
  proposalId: bigint,
  timeoutMs = 60_000,
  via = 0,
): Promise<string> {
  return waitFor(
    async () => {
      const upgrade = await devnet
        .rpc(via)
        .upgrade()
        .catch(() => undefined);
      const result = upgrade?.governance.results.find((r) => BigInt(r.id) === proposalId);
      return result === undefined ? null : result.status;
    },
    { timeoutMs, intervalMs: 250, message: `the result of proposal ${proposalId}` },
  );
}

/** Waits until validators holding all the voting power signalled ready for `planName` (UPG-6). */
export async function waitForReady(devnet: Devnet, planName: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () => {
      const upgrade = await devnet
        .rpc(0)
        .upgrade()
        .catch(() => undefined);
      const g = upgrade?.governance;
      if (g?.plan?.name !== planName) return null;
      return g.ready.power === g.ready.totalPower ? true : null;
    },
    { timeoutMs, intervalMs: 250, message: `every launcher to be ready for ${planName}` },
  );
  return Date.now() - started;
}

export interface SwitchReport {
  /** header time of the last block on the old release (plan height - 1) */
  readonly lastOldMs: bigint;
  /** header time of the first block on the new release (the plan height) */
  readonly firstNewMs: bigint;
  readonly gapMs: number;
}

/** Each node's `launcher/last-upgrade.json` (LCH-1), or undefined where its launcher has not written one yet. */
export function launcherReports(devnet: Devnet): (Record<string, unknown> | undefined)[] {
  return launcherFiles(devnet, 'last-upgrade.json');
}

/**
 * Each node's `launcher/switch.json` (LCH-7): the journal of its last switch, which preparations and cancels of
 * later plans leave alone (they overwrite `last-upgrade.json`).
 */
export function launcherJournals(devnet: Devnet): (Record<string, unknown> | undefined)[] {
  return launcherFiles(devnet, 'switch.json');
}

function launcherFiles(devnet: Devnet, file: string): (Record<string, unknown> | undefined)[] {
  return devnet.nodes.map((node) => {
    try {
      return JSON.parse(readFileSync(join(node.home, 'launcher', file), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  });
}

/**
 * Waits until every node runs `version` and has committed the plan height and, on a launcher-mode devnet, until
 * every launcher has reported the switch (it writes its report once it sees that commit, a poll later), and
 * measures the gap at the switch.
 */
export async function waitForSwitch(
  devnet: Devnet,
  plan: Plan,
  version: string,
  timeoutMs = 120_000,
): Promise<SwitchReport> {
  await waitFor(
    async () => {
      const statuses = await Promise.all(
        devnet.nodes.map((_, i) =>
          devnet
            .rpc(i)
            .status()
            .catch(() => undefined),
        ),
      );
      if (!statuses.every((s) => s !== undefined && s.version === version && s.height >= plan.height)) return null;
      if (devnet.state.launcher === undefined) return true;
      return launcherReports(devnet).every((r) => r?.['status'] === 'upgraded' && r['plan'] === plan.name)
        ? true
        : null;
    },
    { timeoutMs, intervalMs: 250, message: `every node to run ${version} past height ${plan.height}` },
  );
  const client = devnet.rpc(0);
  const [last, first] = await Promise.all([client.block(plan.height - 1n), client.block(plan.height)]);
  const lastOldMs = last.header.timeMs;
  const firstNewMs = first.header.timeMs;
  return { lastOldMs, firstNewMs, gapMs: Number(firstNewMs - lastOldMs) };
}

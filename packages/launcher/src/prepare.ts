/**
 * LCH-2, LCH-3: while the old release runs, the scheduled plan's release is verified against the plan's decision
 * (UPG-8), fetched, unpacked and announced with SignalReady; a cancelled plan is reported as such (GOV-10).
 */
import { rmSync } from 'node:fs';
import type { BabyClient } from '@babychain/client';
import { isBabyError, toHex } from '@babychain/codec';
import { currentPlatform } from '@babychain/upgrade';
import type { Logger } from '@babychain/util';
import { addedArtifactPath } from './added.ts';
import { isRetried, releaseForPlan, type SourceTiming, sourceDeadlines } from './decisions.ts';
import { obtainArtifact } from './download.ts';
import { LauncherErrorCode } from './errors.ts';
import { type LauncherPaths, writeJsonDurable } from './layout.ts';
import type { PlanView, UpgradeView } from './node-rpc.ts';
import { openPeerSource } from './peers.ts';
import { readValidatorKey, submitSignalReady, type ValidatorKey } from './ready.ts';
import { installTarball } from './release.ts';
import type { LauncherReport, PreparedRelease } from './report.ts';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
/**
 * How long a sent SignalReady may take to be counted before the launcher sends it again; doubled each time it is
 * still not counted (a transaction the chain never includes), up to READY_RECHECK_MAX_MS.
 */
const READY_RECHECK_MS = 10_000;
const READY_RECHECK_MAX_MS = 600_000;

export interface PrepareContext {
  readonly paths: LauncherPaths;
  readonly log: Logger;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly platform: string | undefined;
  readonly peerWaitMs: number;
  readonly sources: SourceTiming | undefined;
  /** the version of the release that runs, which is never unpacked over */
  running(): string;
  /** aborted when the launcher stops: a download in progress ends */
  readonly signal: AbortSignal;
  /** writes last-upgrade.json; never throws */
  report(report: LauncherReport): void;
  client(): BabyClient;
}

/** What the launcher knows about one manifest of a plan: refusals are final for it, other failures retried. */
interface Attempt {
  failures: number;
  nextTryMs: number;
  refused: boolean;
}

export class Preparer {
  readonly #ctx: PrepareContext;
  readonly #attempts = new Map<string, Attempt>();
  #prepared: PreparedRelease | undefined;
  #readyInFlight = false;
  /** the chain takes no ready signal from this key (not in the set, or another account is its operator) */
  #notSignalling = false;
  /** when SignalReady was last sent or found counted, and how long before it is checked again */
  #readyAtMs = 0;
  #readyRecheckMs = READY_RECHECK_MS;

  constructor(ctx: PrepareContext, prepared: PreparedRelease | undefined) {
    this.#ctx = ctx;
    this.#prepared = prepared;
  }

  get prepared(): PreparedRelease | undefined {
    return this.#prepared;
  }

  /** The prepared release is switched to: it is nobody's plan any more. */
  forget(): void {
    rmSync(this.#ctx.paths.prepared, { force: true });
    this.#prepared = undefined;
  }

  /** Whether `plan` can be tried now: not refused for this manifest, and its retry delay over. */
  due(plan: PlanView): boolean {
    const attempt = this.#attempts.get(attemptKey(plan));
    return attempt === undefined || (!attempt.refused && this.#ctx.now() >= attempt.nextTryMs);
  }

  /** How long until `plan` can be tried again; undefined when it never can (refused) or can now. */
  waitFor(plan: PlanView): number | undefined {
    const attempt = this.#attempts.get(attemptKey(plan));
    if (attempt === undefined || attempt.refused) return undefined;
    return Math.max(0, attempt.nextTryMs - this.#ctx.now());
  }

  refused(plan: PlanView): boolean {
    return this.#attempts.get(attemptKey(plan))?.refused === true;
  }

  /** The prepared release is for this plan and this manifest. */
  isFor(plan: { readonly name: string; readonly version: string; readonly manifestDigest: string }): boolean {
    const p = this.#prepared;
    return (
      p !== undefined &&
      p.status !== 'cancelled' &&
      p.plan === plan.name &&
      p.version === plan.version &&
      p.manifestDigest === plan.manifestDigest
    );
  }

  /**
   * One poll of the node's view while the old release runs: report a plan that is gone (GOV-10), signal ready
   * (again, if a reschedule cleared the chain's ready set), or say that `plan` should be prepared now.
   */
  async onView(view: UpgradeView): Promise<PlanView | undefined> {
    const plan = view.plan;
    const prepared = this.#prepared;
    if (prepared !== undefined && prepared.status !== 'cancelled' && plan?.name !== prepared.plan) {
      this.#cancelled(view, prepared);
    }
    if (plan === null) return undefined;
    // From the switch until the plan height is committed the node still reports the plan this release is for.
    if (plan.version === this.#ctx.running()) return undefined;
    if (prepared !== undefined && prepared.plan === plan.name && prepared.manifestDigest === plan.manifestDigest) {
      // The same plan scheduled again after a cancel: the release is still here, and ready again.
      if (prepared.status === 'cancelled') {
        this.#write({ ...prepared, status: 'prepared', readySent: false });
        this.#ctx.report({
          status: 'prepared',
          plan: plan.name,
          version: prepared.version,
          sha256: prepared.sha256,
          atMs: Date.now(),
        });
      }
      const current = this.#prepared as PreparedRelease;
      // A cancel or a reschedule clears the chain's ready set (GOV-8, GOV-10): signal again when it lost us.
      const counted = this.#notSignalling || countedReady(this.#ctx, view);
      if (counted) this.#readyRecheckMs = READY_RECHECK_MS;
      const lost = current.readySent && this.#ctx.now() - this.#readyAtMs > this.#readyRecheckMs && !counted;
      if (lost) this.#readyRecheckMs = Math.min(this.#readyRecheckMs * 2, READY_RECHECK_MAX_MS);
      if (!current.readySent || lost) await this.signalReady(view, current);
      return undefined;
    }
    return this.due(plan) ? plan : undefined;
  }

  /** GOV-10: the plan this release was prepared for is no longer scheduled. */
  #cancelled(view: UpgradeView, prepared: PreparedRelease): void {
    if (view.applied.includes(prepared.plan)) {
      this.forget();
      return;
    }
    this.#write({ ...prepared, status: 'cancelled' });
    this.#ctx.report({ status: 'cancelled', plan: prepared.plan, version: prepared.version, atMs: Date.now() });
    this.#ctx.log.info(`plan ${prepared.plan} is no longer scheduled: release ${prepared.version} will not run`, {
      plan: prepared.plan,
    });
  }

  #write(prepared: PreparedRelease): void {
    writeJsonDurable(this.#ctx.paths.prepared, prepared);
    this.#prepared = prepared;
  }

  /** LCH-2: verify, fetch, unpack, signal ready; a failure is reported and decides when to try again. */
  async prepare(view: UpgradeView, plan: PlanView): Promise<void> {
    const ctx = this.#ctx;
    const key = attemptKey(plan);
    const attempt = this.#attempts.get(key) ?? { failures: 0, nextTryMs: 0, refused: false };
    this.#attempts.set(key, attempt);
    try {
      // UPG-8: the chain's decision binds; neither this machine's clock nor today's signer set has a say.
      const platform = ctx.platform ?? currentPlatform();
      const { manifest, artifact } = releaseForPlan(view.chainId, plan.name, plan.manifest, plan.decision, platform);
      ctx.log.info(`plan ${plan.name}: release ${manifest.version} verified (REL-4), fetching its artifact`, {
        plan: plan.name,
        height: plan.height.toString(),
        sha256: toHex(artifact.sha256),
      });
      const file = await obtainArtifact({
        paths: ctx.paths,
        artifact,
        urls: plan.urls,
        added: addedArtifactPath(ctx.paths, plan.name),
        fetch: ctx.fetch,
        peers: (idleMs) => openPeerSource(ctx.paths, ctx.peerWaitMs, idleMs, ctx.log),
        log: ctx.log,
        deadlines: sourceDeadlines(artifact.size, ctx.sources),
        signal: ctx.signal,
      });
      const info = {
        version: manifest.version,
        sourceCommit: manifest.sourceCommit,
        platform: artifact.platform,
        appVersion: plan.appVersion,
      };
      const release = await installTarball(
        ctx.paths,
        file,
        { info, unpackedSize: artifact.unpackedSize },
        ctx.running(),
      );
      const prepared: PreparedRelease = {
        plan: plan.name,
        planHeight: plan.height.toString(),
        version: release.info.version,
        manifestDigest: plan.manifestDigest,
        sha256: toHex(artifact.sha256),
        readySent: false,
        status: 'prepared',
      };
      this.#write(prepared);
      ctx.report({
        status: 'prepared',
        plan: plan.name,
        version: prepared.version,
        sha256: prepared.sha256,
        atMs: Date.now(),
      });
      ctx.log.info(`plan ${plan.name}: release ${prepared.version} unpacked and ready to switch`, {
        dir: release.dir,
      });
      await this.signalReady(view, prepared);
    } catch (err) {
      this.#failed(plan, attempt, err);
    }
  }

  #failed(plan: PlanView, attempt: Attempt, err: unknown): void {
    const ctx = this.#ctx;
    const code = isBabyError(err) ? err.code : LauncherErrorCode.DOWNLOAD_FAILED;
    const message = (err as Error).message;
    attempt.failures++;
    if (!isRetried(code)) {
      attempt.refused = true;
      ctx.log.error(`plan ${plan.name}: refused: ${code} ${message}`, { code, plan: plan.name });
      ctx.report({ status: 'refused', code, message, plan: plan.name, atMs: Date.now() });
      return;
    }
    const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** (attempt.failures - 1), MAX_RETRY_MS);
    attempt.nextTryMs = ctx.now() + retryInMs;
    ctx.log.warn(`plan ${plan.name}: not prepared yet: ${code} ${message}`, { code, plan: plan.name, retryInMs });
    ctx.report({ status: 'retrying', code, message, plan: plan.name, retryInMs, atMs: Date.now() });
  }

  async signalReady(view: UpgradeView, prepared: PreparedRelease): Promise<void> {
    if (this.#readyInFlight) return;
    const ctx = this.#ctx;
    const key = readValidatorKey(ctx.paths);
    const done = (why: string) => {
      this.#write({ ...prepared, readySent: true });
      this.#readyAtMs = ctx.now();
      ctx.log.info(`plan ${prepared.plan}: ${why}`);
    };
    if (key === undefined) return done('not a validator: no SignalReady to send');
    if (view.ready.includes(key.addressHex)) return done('this validator is already counted as ready');
    this.#readyInFlight = true;
    try {
      // UPG-6 takes a ready signal from the validator's operator (VAL-1): this key signs it only when it is its own.
      const why = await notOwnSignal(ctx, key);
      if (why !== undefined) {
        this.#notSignalling = true;
        return done(why);
      }
      const id = await submitSignalReady(ctx.client(), ctx.paths, key, prepared.plan);
      done(`SignalReady submitted (tx ${id})`);
    } catch (err) {
      if (isBabyError(err) && !err.code.startsWith('CLIENT_')) {
        // The node judged it (UPG_ALREADY_READY, ...): sending it again would get the same answer.
        done(`SignalReady refused by the node: ${err.code} ${err.message}`);
      } else {
        ctx.log.warn(`SignalReady not submitted, will retry: ${(err as Error).message}`);
      }
    } finally {
      this.#readyInFlight = false;
    }
  }
}

function attemptKey(plan: PlanView): string {
  return `${plan.name}:${plan.manifestDigest}`;
}

/**
 * Why this key does not signal ready itself, or undefined when it does: a key in no set of the chain, or one whose
 * operator is another account (that account signals, `baby gov ready --from`).
 */
async function notOwnSignal(ctx: PrepareContext, key: ValidatorKey): Promise<string | undefined> {
  // A node release from before operators (no such answer) took ready signals from the consensus key: sign as then.
  const set = await ctx
    .client()
    .validators()
    .catch(() => undefined);
  if (set === undefined) return undefined;
  const mine = set.validators.find((v) => toHex(v.publicKey) === toHex(key.publicKey));
  if (mine === undefined) return 'this key is in no validator set of the chain: no SignalReady to send';
  if (mine.operator !== mine.address) {
    return `its operator ${mine.operator} acts for it in governance and signals ready itself`;
  }
  return undefined;
}

/** Whether the chain counts this validator as ready (a full node is never asked). */
function countedReady(ctx: PrepareContext, view: UpgradeView): boolean {
  const key = readValidatorKey(ctx.paths);
  return key === undefined || view.ready.includes(key.addressHex);
}

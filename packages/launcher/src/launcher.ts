/**
 * The supervisor (specs/governance.md LCH-1..LCH-6): runs the current release, pre-downloads and verifies the
 * scheduled plan's release while the old one still runs, signals ready, switches at the halt and rolls back a
 * release that cannot reach the plan height.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BabyClient } from '@babychain/client';
import type { PlanDecision } from '@babychain/codec';
import { isBabyError, toHex } from '@babychain/codec';
import { currentPlatform, readUpgradeInfo, UPGRADE_EXIT_CODE, type UpgradeInfo } from '@babychain/upgrade';
import { backupData, restoreData } from './backup.ts';
import { type ChildExit, NodeChild, type OutputSink } from './child.ts';
import { isRetried, releaseForPlan } from './decisions.ts';
import { obtainArtifact } from './download.ts';
import { LauncherErrorCode, launcherError } from './errors.ts';
import {
  ensureLayout,
  type LauncherPaths,
  launcherPaths,
  readCurrent,
  writeCurrent,
  writeJsonDurable,
} from './layout.ts';
import { type Logger, stderrLogger } from './log.ts';
import { fetchUpgradeView, manifestDigest, type PlanView, rpcUrl, type UpgradeView } from './node-rpc.ts';
import { openPeerSource } from './peers.ts';
import { readValidatorKey, submitSignalReady } from './ready.ts';
import { installTarball, type Release, readRelease, releaseDir } from './release.ts';
import { type PreparedRelease, readPrepared, readReport, writeReport } from './report.ts';

export const DEFAULT_POLL_MS = 1000;
/** LCH-6: how long a new release has to commit a block at or above the plan height. */
export const DEFAULT_SWITCH_TIMEOUT_MS = 120_000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
const MAX_RESTART_MS = 30_000;
/** How long a sent SignalReady may take to be counted before the launcher checks the chain still counts it. */
const READY_RECHECK_MS = 10_000;

export interface LauncherOptions {
  readonly home: string;
  /** extra arguments after `start --home H` */
  readonly nodeArgs?: readonly string[];
  readonly log?: Logger;
  /** the node's output lines; default: written as-is to the launcher's stdout / stderr */
  readonly output?: OutputSink;
  readonly pollMs?: number;
  readonly switchTimeoutMs?: number;
  /** how long a peer fetch waits for a bootstrap peer to connect (default 5000) */
  readonly peerWaitMs?: number;
  readonly fetch?: typeof fetch;
  /** the clock of retry timers (default Date.now); REL-4 never reads it (UPG-8) */
  readonly now?: () => number;
  /** platform to pick the artifact for (default currentPlatform()) */
  readonly platform?: string;
}

type Phase = 'running' | 'switching' | 'halted' | 'stopping';

/** What the launcher knows about the plan it is preparing: refusals are final for one manifest. */
interface PlanAttempt {
  failures: number;
  nextTryMs: number;
  refused: boolean;
}

export class Launcher {
  readonly paths: LauncherPaths;
  readonly #opts: LauncherOptions;
  readonly #log: Logger;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #attempts = new Map<string, PlanAttempt>();
  #phase: Phase = 'running';
  #release: Release | undefined;
  #child: NodeChild | undefined;
  #prepared: PreparedRelease | undefined;
  #preparing: Promise<void> | undefined;
  #readyInFlight = false;
  /** when SignalReady was last sent or found counted */
  #readyAtMs = 0;
  #lastView: UpgradeView | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopped!: () => void;
  readonly #stopSignal = new Promise<void>((resolve) => {
    this.#stopped = resolve;
  });

  constructor(options: LauncherOptions) {
    this.#opts = options;
    this.paths = launcherPaths(options.home);
    this.#log = options.log ?? stderrLogger();
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** The running release's version. */
  get version(): string | undefined {
    return this.#release?.info.version;
  }

  /** Runs until stop(); resolves with the launcher's exit status. */
  async run(): Promise<number> {
    const current = readCurrent(this.paths);
    if (current === undefined) {
      throw launcherError(
        LauncherErrorCode.NO_RELEASE,
        `${this.paths.current} names no release: run "baby-launcher install" first`,
      );
    }
    ensureLayout(this.paths);
    this.#release = readRelease(releaseDir(this.paths, current));
    this.#prepared = readPrepared(this.paths);
    this.#timer = setInterval(() => void this.#tick(), this.#opts.pollMs ?? DEFAULT_POLL_MS);
    let restartMs = FIRST_RETRY_MS;
    try {
      let child = this.#start(this.#release);
      for (;;) {
        const exit = await child.exited;
        if (this.#stopping()) return 0;
        if (exit.code === UPGRADE_EXIT_CODE) {
          const next = await this.#onHalt(child, exit);
          if (next === undefined) {
            if (!this.#stopping()) this.#phase = 'halted';
            await this.#stopSignal;
            return 0;
          }
          child = next;
          restartMs = FIRST_RETRY_MS;
          continue;
        }
        const upMs = exit.atMs - (this.#startedAt ?? exit.atMs);
        if (upMs > MAX_RESTART_MS * 2) restartMs = FIRST_RETRY_MS;
        this.#log('error', `${LauncherErrorCode.NODE_CRASHED}: the node exited with ${describeExit(exit)}`, {
          code: LauncherErrorCode.NODE_CRASHED,
          exitCode: exit.code,
          signal: exit.signal,
          restartInMs: restartMs,
          lastLines: child.tail().slice(-10),
        });
        await Promise.race([sleep(restartMs), this.#stopSignal]);
        if (this.#stopping()) return 0;
        restartMs = Math.min(restartMs * 2, MAX_RESTART_MS);
        child = this.#start(this.#release);
      }
    } finally {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      await this.#preparing;
    }
  }

  /** Forwards `signal` to the node, waits for it to exit, and makes run() resolve. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.#stopping()) return;
    this.#phase = 'stopping';
    this.#stopped();
    const child = this.#child;
    if (child?.running) await child.stop(signal);
  }

  #startedAt: number | undefined;
  #client: BabyClient | undefined;

  /** The node's RPC, as config.json names it when the launcher first asks. */
  #nodeClient(): BabyClient {
    this.#client ??= new BabyClient({ url: rpcUrl(this.paths), fetch: this.#fetch, timeoutMs: 5000 });
    return this.#client;
  }

  /** A method, not a comparison: the phase changes under awaits, which narrowing cannot see. */
  #stopping(): boolean {
    return this.#phase === 'stopping';
  }

  #start(release: Release): NodeChild {
    this.#log('info', `starting release ${release.info.version}`, { entry: release.entryPath });
    const output: OutputSink =
      this.#opts.output ??
      ((line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`));
    const child = new NodeChild(release, this.paths.home, this.#opts.nodeArgs ?? [], output);
    this.#child = child;
    this.#startedAt = Date.now();
    return child;
  }

  // ---- LCH-2: pre-download, verify, unpack, signal ready ----

  async #tick(): Promise<void> {
    if (this.#ticking || this.#phase !== 'running') return;
    this.#ticking = true;
    try {
      let view: UpgradeView;
      try {
        view = await fetchUpgradeView(this.#nodeClient());
      } catch (err) {
        this.#log('debug', `GET /upgrade: ${(err as Error).message}`);
        return;
      }
      this.#lastView = view;
      const plan = view.plan;
      if (plan === null || this.#phase !== 'running') return;
      // From the switch until the plan height is committed the node still reports the plan this release is for.
      if (plan.version === this.version) return;
      const prepared = this.#prepared;
      if (prepared !== undefined && prepared.plan === plan.name && prepared.manifestDigest === plan.manifestDigest) {
        // A cancel or a reschedule clears the chain's ready set (GOV-8, GOV-10): signal again when it lost us.
        const lost =
          prepared.readySent && this.#now() - this.#readyAtMs > READY_RECHECK_MS && !this.#countedReady(view);
        if (!prepared.readySent || lost) await this.#signalReady(view, prepared);
        return;
      }
      if (this.#preparing !== undefined) return;
      const key = `${plan.name}:${plan.manifestDigest}`;
      const attempt = this.#attempts.get(key);
      if (attempt !== undefined && (attempt.refused || this.#now() < attempt.nextTryMs)) return;
      this.#preparing = this.#prepare(view, plan).finally(() => {
        this.#preparing = undefined;
      });
    } finally {
      this.#ticking = false;
    }
  }

  async #prepare(view: UpgradeView, plan: PlanView): Promise<void> {
    const key = `${plan.name}:${plan.manifestDigest}`;
    const running = this.#release;
    if (running === undefined) return;
    const attempt = this.#attempts.get(key) ?? { failures: 0, nextTryMs: 0, refused: false };
    this.#attempts.set(key, attempt);
    try {
      // UPG-8: the chain's decision binds; neither this machine's clock nor today's signer set has a say.
      const platform = this.#opts.platform ?? currentPlatform();
      const { manifest, artifact } = releaseForPlan(view.chainId, plan.name, plan.manifest, plan.decision, platform);
      this.#log('info', `plan ${plan.name}: release ${manifest.version} verified (REL-4), fetching its artifact`, {
        plan: plan.name,
        height: plan.height.toString(),
        sha256: toHex(artifact.sha256),
      });
      const file = await obtainArtifact({
        paths: this.paths,
        artifact,
        urls: plan.urls,
        fetch: this.#fetch,
        peers: () => openPeerSource(this.paths, view.chainId, this.#opts.peerWaitMs ?? 5000, this.#log),
        log: this.#log,
      });
      const release = await installTarball(
        this.paths,
        file,
        {
          info: {
            version: manifest.version,
            sourceCommit: manifest.sourceCommit,
            platform: artifact.platform,
            appVersion: plan.appVersion,
          },
          unpackedSize: artifact.unpackedSize,
        },
        running.info.version,
      );
      const prepared: PreparedRelease = {
        plan: plan.name,
        planHeight: plan.height.toString(),
        version: release.info.version,
        manifestDigest: plan.manifestDigest,
        sha256: toHex(artifact.sha256),
        readySent: false,
      };
      writeJsonDurable(this.paths.prepared, prepared);
      this.#prepared = prepared;
      writeReport(this.paths, {
        status: 'prepared',
        plan: plan.name,
        version: prepared.version,
        sha256: prepared.sha256,
        atMs: Date.now(),
      });
      this.#log('info', `plan ${plan.name}: release ${prepared.version} unpacked and ready to switch`, {
        dir: release.dir,
      });
      await this.#signalReady(view, prepared);
    } catch (err) {
      const code = isBabyError(err) ? err.code : LauncherErrorCode.DOWNLOAD_FAILED;
      const message = (err as Error).message;
      const transient = isRetried(code);
      attempt.failures++;
      if (transient) {
        const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** (attempt.failures - 1), MAX_RETRY_MS);
        attempt.nextTryMs = this.#now() + retryInMs;
        const status = code.startsWith('REL_') ? 'refused' : 'retrying';
        this.#log(
          'warn',
          `plan ${plan.name}: ${status === 'refused' ? 'refused' : 'download failed'}: ${code} ${message}`,
          {
            code,
            plan: plan.name,
            retryInMs,
          },
        );
        if (status === 'refused') {
          writeReport(this.paths, { status, code, message, plan: plan.name, atMs: Date.now() });
        } else {
          writeReport(this.paths, { status, code, message, plan: plan.name, retryInMs, atMs: Date.now() });
        }
      } else {
        attempt.refused = true;
        this.#log('error', `plan ${plan.name}: refused: ${code} ${message}`, { code, plan: plan.name });
        writeReport(this.paths, { status: 'refused', code, message, plan: plan.name, atMs: Date.now() });
      }
    }
  }

  /** Whether the chain counts this validator as ready (a full node is never asked). */
  #countedReady(view: UpgradeView): boolean {
    const key = readValidatorKey(this.paths);
    return key === undefined || view.ready.includes(key.addressHex);
  }

  async #signalReady(view: UpgradeView, prepared: PreparedRelease): Promise<void> {
    if (this.#readyInFlight) return;
    const key = readValidatorKey(this.paths);
    const done = (why: string) => {
      const updated = { ...prepared, readySent: true };
      writeJsonDurable(this.paths.prepared, updated);
      this.#prepared = updated;
      this.#readyAtMs = this.#now();
      this.#log('info', `plan ${prepared.plan}: ${why}`);
    };
    if (key === undefined) return done('not a validator: no SignalReady to send');
    if (view.ready.includes(key.addressHex)) return done('this validator is already counted as ready');
    this.#readyInFlight = true;
    try {
      const id = await submitSignalReady(new BabyClient({ url: rpcUrl(this.paths) }), this.paths, key, prepared.plan);
      done(`SignalReady submitted (tx ${id})`);
    } catch (err) {
      if (isBabyError(err) && !err.code.startsWith('CLIENT_')) {
        // The node judged it (UPG_ALREADY_READY, ...): sending it again would get the same answer.
        done(`SignalReady refused by the node: ${err.code} ${err.message}`);
      } else {
        this.#log('warn', `SignalReady not submitted, will retry: ${(err as Error).message}`);
      }
    } finally {
      this.#readyInFlight = false;
    }
  }

  // ---- LCH-6: halt, switch, rollback ----

  /** The child that runs next, or undefined to stay halted. */
  async #onHalt(halted: NodeChild, exit: ChildExit): Promise<NodeChild | undefined> {
    this.#phase = 'switching';
    await this.#preparing;
    const from = halted.release;
    let info: UpgradeInfo | undefined;
    try {
      info = readUpgradeInfo(this.paths.data);
    } catch (err) {
      return this.#refuseHalt('', isBabyError(err) ? err.code : LauncherErrorCode.NOT_PREPARED, (err as Error).message);
    }
    if (info === undefined) {
      return this.#refuseHalt('', LauncherErrorCode.NOT_PREPARED, 'the node exited 3 without data/upgrade-info.json');
    }
    const last = readReport(this.paths);
    if (last?.status === 'rolled-back' && last.plan === info.name && last.fromVersion === from.info.version) {
      this.#log('error', `plan ${info.name}: release ${last.toVersion} was rolled back; staying halted`, {
        code: LauncherErrorCode.ROLLED_BACK,
        plan: info.name,
        hint: 'install a fixed release with "baby-launcher install" and restart the launcher',
      });
      return undefined;
    }
    // The file states the plan's decision (UPG-8); only a file from an older release falls back on GET /upgrade.
    const view = viewAtHalt(info) ?? this.#lastViewOf(info);
    const digest = manifestDigest(info.manifest);
    const plan = view?.plan;
    if (!this.#matches(info, digest) && view !== undefined && plan !== null && plan !== undefined) {
      // Halted before the pre-download finished, or before this launcher ever saw the plan (a node syncing from
      // genesis reaches a plan height within a second, or the launcher started late): verify and fetch now.
      const key = `${plan.name}:${plan.manifestDigest}`;
      if (this.#attempts.get(key)?.refused !== true) {
        this.#attempts.delete(key);
        await this.#prepare(view, plan);
      }
    }
    const prepared = this.#prepared;
    if (prepared === undefined || !this.#matches(info, digest)) {
      // A refusal of this plan is the report to keep; one left by an earlier plan is replaced by NOT_PREPARED.
      const report = readReport(this.paths);
      const refused = report?.status === 'refused' && report.plan === info.name ? report : undefined;
      const why = refused === undefined ? 'no verified release for it' : `its release was refused (${refused.code})`;
      return this.#refuseHalt(
        info.name,
        refused?.code ?? LauncherErrorCode.NOT_PREPARED,
        `the node halted for plan ${info.name} (release ${info.version}) and there is ${why}`,
        refused !== undefined,
      );
    }
    return this.#switch(from, readRelease(releaseDir(this.paths, prepared.version)), info, exit);
  }

  /** The last GET /upgrade answer, when it was about the plan the node halted for. */
  #lastViewOf(info: UpgradeInfo): UpgradeView | undefined {
    const view = this.#lastView;
    const plan = view?.plan;
    return plan?.name === info.name && plan.manifestDigest === manifestDigest(info.manifest) ? view : undefined;
  }

  #matches(info: UpgradeInfo, manifestDigest: string): boolean {
    const p = this.#prepared;
    return p !== undefined && p.plan === info.name && p.version === info.version && p.manifestDigest === manifestDigest;
  }

  #refuseHalt(plan: string, code: string, message: string, keepReport = false): undefined {
    this.#log('error', `staying halted: ${code} ${message}`, { code, plan });
    if (!keepReport) writeReport(this.paths, { status: 'refused', code, message, plan, atMs: Date.now() });
    return undefined;
  }

  async #switch(from: Release, to: Release, info: UpgradeInfo, exit: ChildExit): Promise<NodeChild | undefined> {
    const backupDir = join(this.paths.backups, info.name);
    const backupData_ = join(backupDir, 'data');
    const backup = backupData(this.paths.data, backupData_);
    writeJsonDurable(join(backupDir, 'backup.json'), {
      plan: info.name,
      fromVersion: from.info.version,
      toVersion: to.info.version,
      haltHeight: info.height.toString(),
      atMs: Date.now(),
      ...backup,
    });
    this.#log('info', `plan ${info.name}: data backed up (${backup.linked} linked, ${backup.copied} copied)`, {
      dir: backupDir,
    });
    writeCurrent(this.paths, to.info.version);
    this.#release = to;
    const child = this.#start(to);
    const outcome = await this.#awaitHeight(child, info.height);
    if (outcome.kind === 'stopped') return child;
    if (outcome.kind === 'ok') {
      const switchMs = outcome.atMs - exit.atMs;
      writeReport(this.paths, {
        status: 'upgraded',
        plan: info.name,
        fromVersion: from.info.version,
        toVersion: to.info.version,
        haltHeight: info.height.toString(),
        firstHeightOnNew: outcome.height.toString(),
        switchMs,
        backup,
        atMs: Date.now(),
      });
      rmSync(this.paths.prepared, { force: true });
      this.#prepared = undefined;
      this.#phase = 'running';
      this.#log('info', `plan ${info.name}: upgraded ${from.info.version} -> ${to.info.version} in ${switchMs} ms`, {
        firstHeightOnNew: outcome.height.toString(),
      });
      return child;
    }
    // LCH-6: the new release cannot carry the chain; put everything back as it was at the halt.
    const failedExit = outcome.kind === 'exited' ? outcome.exit : await child.stop();
    const lastLines = child.tail();
    const failedData = join(this.paths.failed, `${info.name}-${Date.now()}`);
    restoreData(this.paths.data, backupData_, failedData);
    writeCurrent(this.paths, from.info.version);
    this.#release = from;
    const message =
      outcome.kind === 'exited'
        ? `release ${to.info.version} exited with ${describeExit(failedExit)} before committing height ${info.height}`
        : `release ${to.info.version} did not commit height ${info.height} within ${outcome.waitedMs} ms`;
    writeReport(this.paths, {
      status: 'rolled-back',
      code: LauncherErrorCode.ROLLED_BACK,
      message,
      plan: info.name,
      fromVersion: from.info.version,
      toVersion: to.info.version,
      exitCode: failedExit.code,
      signal: failedExit.signal,
      lastLines,
      failedData,
      atMs: Date.now(),
    });
    this.#log('error', `${LauncherErrorCode.ROLLED_BACK}: ${message}; back on ${from.info.version}`, {
      code: LauncherErrorCode.ROLLED_BACK,
      plan: info.name,
      failedData,
    });
    this.#phase = 'running';
    return this.#start(from);
  }

  async #awaitHeight(
    child: NodeChild,
    height: bigint,
  ): Promise<
    | { kind: 'ok'; height: bigint; atMs: number }
    | { kind: 'exited'; exit: ChildExit }
    | { kind: 'timeout'; waitedMs: number }
    | { kind: 'stopped' }
  > {
    const client = new BabyClient({ url: rpcUrl(this.paths), timeoutMs: 2000 });
    const timeoutMs = this.#opts.switchTimeoutMs ?? DEFAULT_SWITCH_TIMEOUT_MS;
    const start = Date.now();
    let exited: ChildExit | undefined;
    void child.exited.then((e) => {
      exited = e;
    });
    for (;;) {
      if (this.#stopping()) return { kind: 'stopped' };
      if (exited !== undefined) return { kind: 'exited', exit: exited };
      try {
        const status = await client.status();
        if (status.height >= height) return { kind: 'ok', height: status.height, atMs: Date.now() };
      } catch {
        // not up yet
      }
      if (Date.now() - start >= timeoutMs) return { kind: 'timeout', waitedMs: Date.now() - start };
      await Promise.race([sleep(100), child.exited, this.#stopSignal]);
    }
  }
}

function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `status ${exit.code}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The upgrade-info file's plan with its decision, as a view to verify its release against (LCH-6, UPG-8). */
function viewAtHalt(info: UpgradeInfo): UpgradeView | undefined {
  if (info.chainId === undefined || info.decision === undefined) return undefined;
  return { chainId: info.chainId, height: info.height - 1n, plan: planOf(info, info.decision), ready: [], applied: [] };
}

function planOf(info: UpgradeInfo, decision: PlanDecision): PlanView {
  return {
    name: info.name,
    height: info.height,
    appVersion: info.appVersion,
    version: info.version,
    manifestDigest: manifestDigest(info.manifest),
    manifest: info.manifest,
    urls: info.urls,
    decision,
  };
}

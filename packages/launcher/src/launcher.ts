/**
 * The supervisor (specs/governance.md LCH-1..LCH-8): runs the current release, has the scheduled plan's release
 * prepared while the old one still runs (prepare.ts), switches at the halt and rolls back a release that cannot
 * reach the plan height (switch.ts), and on start finishes whatever switch a kill interrupted (LCH-7).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BabyClient } from '@babychain/client';
import type { PlanDecision } from '@babychain/codec';
import { isBabyError } from '@babychain/codec';
import { readUpgradeInfo, UPGRADE_EXIT_CODE, type UpgradeInfo } from '@babychain/upgrade';
import { type Logger, silentLogger } from '@babychain/util';
import { NodeChild, type OutputSink } from './child.ts';
import { resumeAction, type SourceTiming } from './decisions.ts';
import { LauncherErrorCode, launcherError } from './errors.ts';
import type { PreUpgradeHook } from './hook.ts';
import { readJournal, type SwitchJournal } from './journal.ts';
import { ensureLayout, type LauncherPaths, launcherPaths, readCurrent } from './layout.ts';
import { fetchUpgradeView, manifestDigest, type PlanView, rpcUrl, type UpgradeView } from './node-rpc.ts';
import { hookPassed, runPreUpgrade } from './pre-upgrade.ts';
import { Preparer } from './prepare.ts';
import { type Release, readRelease, releaseDir } from './release.ts';
import { type LauncherReport, readPrepared, writeReport } from './report.ts';
import { describeExit, resumeSwitch, type SwitchContext, switchRelease } from './switch.ts';

export const DEFAULT_POLL_MS = 1000;
/** LCH-6: how long a new release has to commit a block at or above the plan height. */
export const DEFAULT_SWITCH_TIMEOUT_MS = 120_000;
/** LCH-8: plan backups kept, the newest included. */
export const DEFAULT_KEEP_BACKUPS = 2;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
const MAX_RESTART_MS = 30_000;

export interface LauncherOptions {
  readonly home: string;
  /** extra arguments after `start --home H` */
  readonly nodeArgs?: readonly string[];
  /** the launcher's own lines (silent without one): `baby-launcher run` passes JSON lines on stderr */
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
  /** LCH-8: where plan backups go (default `launcher/backups`; another filesystem works, with copies) */
  readonly backupDir?: string;
  /** LCH-8: the operator's explicit choice to switch without a backup, and so without a rollback */
  readonly skipBackup?: boolean;
  /** LCH-8: plan backups kept, the newest included (default 2) */
  readonly keepBackups?: number;
  /** LCH-3's source deadlines (tests shorten them) */
  readonly sources?: SourceTiming;
  /** LCH-10: the operator's executable run at the halt, before the switch (PRE_UPGRADE_DEFAULTS for the rest) */
  readonly preUpgradeHook?: PreUpgradeHook;
}

type Phase = 'running' | 'switching' | 'halted' | 'stopping';

export class Launcher {
  readonly paths: LauncherPaths;
  readonly #opts: LauncherOptions;
  readonly #log: Logger;
  readonly #fetch: typeof fetch;
  readonly #preparer: Preparer;
  #phase: Phase = 'running';
  #release: Release | undefined;
  #child: NodeChild | undefined;
  #startedAt: number | undefined;
  #client: BabyClient | undefined;
  /** aborted by stop(): cuts a download short instead of waiting out its deadlines */
  readonly #abort = new AbortController();
  #preparing: Promise<void> | undefined;
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
    this.#log = options.log ?? silentLogger;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#preparer = new Preparer(
      {
        paths: this.paths,
        log: this.#log,
        fetch: this.#fetch,
        now: options.now ?? Date.now,
        platform: options.platform,
        peerWaitMs: options.peerWaitMs ?? 5000,
        sources: options.sources,
        running: () => this.version ?? '',
        signal: this.#abort.signal,
        report: (r) => this.#report(r),
        client: () => this.#nodeClient(),
      },
      readPrepared(this.paths),
    );
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
    const backupDir = resolve(this.#opts.backupDir ?? this.paths.backups);
    if (!relative(resolve(this.paths.data), backupDir).startsWith('..')) {
      // A backup of data/ inside data/ would copy itself, and a rollback would move it into the failed data.
      throw launcherError(
        LauncherErrorCode.BAD_USAGE,
        `the backup directory ${backupDir} is inside ${this.paths.data}`,
      );
    }
    // LCH-5: nothing a killed launcher left in downloads/ is trusted, or kept to fill the disk.
    for (const name of readdirSync(this.paths.downloads))
      rmSync(join(this.paths.downloads, name), { recursive: true, force: true });
    await stopOrphan(this.paths, this.#log);
    this.#release = readRelease(releaseDir(this.paths, current));
    this.#timer = setInterval(() => void this.#tick(), this.#opts.pollMs ?? DEFAULT_POLL_MS);
    let restartMs = FIRST_RETRY_MS;
    try {
      let child = await this.#resume();
      for (;;) {
        if (child === undefined) {
          if (!this.#stopping()) this.#phase = 'halted';
          await this.#stopSignal;
          return 0;
        }
        const exit = await child.exited;
        if (this.#stopping()) return 0;
        if (exit.code === UPGRADE_EXIT_CODE) {
          child = await this.#onHalt(exit.atMs);
          restartMs = FIRST_RETRY_MS;
          continue;
        }
        const upMs = exit.atMs - (this.#startedAt ?? exit.atMs);
        if (upMs > MAX_RESTART_MS * 2) restartMs = FIRST_RETRY_MS;
        this.#log.error(`${LauncherErrorCode.NODE_CRASHED}: the node exited with ${describeExit(exit)}`, {
          code: LauncherErrorCode.NODE_CRASHED,
          exitCode: exit.code,
          signal: exit.signal,
          restartInMs: restartMs,
          lastLines: child.tail().slice(-10),
        });
        await this.#sleep(restartMs);
        if (this.#stopping()) return 0;
        restartMs = Math.min(restartMs * 2, MAX_RESTART_MS);
        child = this.#start(this.#need());
      }
    } finally {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      await this.#preparing;
    }
  }

  /** Forwards `signal` to the node, waits for it to exit, and makes run() resolve. Again: signals the node again. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.#stopping()) {
      this.#child?.signal(signal);
      return;
    }
    this.#phase = 'stopping';
    this.#stopped();
    this.#abort.abort();
    const child = this.#child;
    if (child?.running) await child.stop(signal);
  }

  /** A method, not a comparison: the phase changes under awaits, which narrowing cannot see. */
  #stopping(): boolean {
    return this.#phase === 'stopping';
  }

  #need(): Release {
    if (this.#release === undefined) throw new Error('the launcher runs no release');
    return this.#release;
  }

  /** The node's RPC, as config.json names it when the launcher first asks. */
  #nodeClient(): BabyClient {
    this.#client ??= new BabyClient({ url: rpcUrl(this.paths), fetch: this.#fetch, timeoutMs: 5000 });
    return this.#client;
  }

  #report(report: LauncherReport): void {
    const err = writeReport(this.paths, report);
    if (err !== undefined) {
      this.#log.error(`cannot write ${this.paths.report}: ${err.message}`, { status: report.status });
    }
  }

  #start(release: Release): NodeChild {
    this.#log.info(`starting release ${release.info.version}`, { entry: release.entryPath });
    const output: OutputSink =
      this.#opts.output ??
      ((line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`));
    const child = new NodeChild(release, this.paths.home, this.#opts.nodeArgs ?? [], output, this.paths.childPid);
    this.#child = child;
    this.#startedAt = Date.now();
    // A switch that ends after stop() was called starts a node nobody would stop: it goes at once.
    if (this.#stopping()) void child.stop();
    return child;
  }

  async #sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.#stopSignal]);
    clearTimeout(timer);
  }

  // ---- LCH-2: pre-download while the old release runs ----

  async #tick(): Promise<void> {
    if (this.#ticking || this.#phase !== 'running') return;
    this.#ticking = true;
    try {
      let view: UpgradeView;
      try {
        view = await fetchUpgradeView(this.#nodeClient());
      } catch (err) {
        this.#log.debug(`GET /upgrade: ${(err as Error).message}`);
        return;
      }
      this.#lastView = view;
      if (this.#phase !== 'running') return;
      const plan = await this.#preparer.onView(view);
      if (plan === undefined || this.#preparing !== undefined) return;
      this.#preparing = this.#preparer.prepare(view, plan).finally(() => {
        this.#preparing = undefined;
      });
    } catch (err) {
      // A poll that fails (a full disk under prepared.json, ...) is tried again at the next; it never ends the launcher.
      this.#log.error(`the poll of the node failed: ${(err as Error).message}`);
    } finally {
      this.#ticking = false;
    }
  }

  // ---- LCH-6, LCH-7: halt, switch, resume ----

  #switchContext(): SwitchContext {
    return {
      paths: this.paths,
      log: this.#log,
      backupDir: this.#opts.backupDir ?? this.paths.backups,
      skipBackup: this.#opts.skipBackup === true,
      keepBackups: this.#opts.keepBackups ?? DEFAULT_KEEP_BACKUPS,
      switchTimeoutMs: this.#opts.switchTimeoutMs ?? DEFAULT_SWITCH_TIMEOUT_MS,
      report: (r) => this.#report(r),
      start: (release) => this.#start(release),
      stopping: () => this.#stopping(),
      stopSignal: this.#stopSignal,
    };
  }

  /** LCH-7: finishes the switch a kill interrupted, or starts the current release. */
  async #resume(): Promise<NodeChild | undefined> {
    const journal = readJournal(this.paths);
    const action = resumeAction(journal?.state, journal?.toVersion === this.version);
    if (journal === undefined || action === 'run-current') return this.#start(this.#need());
    if (action === 'stay-stopped') return this.#stayStopped(journal);
    return this.#onHalt(journal.haltAtMs);
  }

  /** Whatever the switch left running is the release `current` names; a completed switch used up its preparation. */
  #afterSwitch(child: NodeChild | undefined): NodeChild | undefined {
    const current = readCurrent(this.paths);
    if (current !== undefined) this.#release = readRelease(releaseDir(this.paths, current));
    if (readJournal(this.paths)?.state === 'upgraded') this.#preparer.forget();
    if (child !== undefined && !this.#stopping()) this.#phase = 'running';
    return child;
  }

  #stayStopped(journal: SwitchJournal): undefined {
    this.#log.error(`${LauncherErrorCode.NO_BACKUP}: release ${journal.toVersion} failed and there was no backup`, {
      plan: journal.plan,
      hint: 'restore data/ from your own backup or install a fixed release with "baby-launcher install"',
    });
    return undefined;
  }

  /**
   * The old release exited with status 3 (UPG-4), or a launcher restarted in the middle of a switch. Switches to the
   * prepared release (preparing it first if the halt came before the pre-download did) or finishes the switch the
   * journal names. Whatever fails on the way (a source, a full disk, the backup, an I/O error) is reported and tried
   * again, halted, until it passes. Undefined: stay halted (a refusal, or a rollback of this plan).
   */
  async #onHalt(haltAtMs: number): Promise<NodeChild | undefined> {
    this.#phase = 'switching';
    await this.#preparing;
    let failures = 0;
    for (;;) {
      if (this.#stopping()) return undefined;
      try {
        const next = await this.#haltStep(haltAtMs);
        if (next !== 'again') return next;
      } catch (err) {
        const code = isBabyError(err) ? err.code : LauncherErrorCode.IO_FAILED;
        const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** failures++, MAX_RETRY_MS);
        const plan = readJournal(this.paths)?.plan ?? '';
        this.#log.error(`plan ${plan}: ${code} ${(err as Error).message}; trying again in ${retryInMs} ms`, {
          ...(isBabyError(err) ? err.meta : { errno: (err as NodeJS.ErrnoException).code }),
        });
        this.#report({ status: 'retrying', code, message: (err as Error).message, plan, retryInMs, atMs: Date.now() });
        await this.#halted(retryInMs);
      }
    }
  }

  /** One attempt of #onHalt; 'again' when the release had to be prepared (or waited for) first. */
  async #haltStep(haltAtMs: number): Promise<NodeChild | undefined | 'again'> {
    const journal = readJournal(this.paths);
    const action = resumeAction(journal?.state, journal?.toVersion === this.version);
    if (journal !== undefined && (action === 'watch-new' || action === 'finish-rollback')) {
      return this.#afterSwitch(await resumeSwitch(this.#switchContext(), journal));
    }
    if (journal !== undefined && action === 'stay-stopped') return this.#stayStopped(journal);
    let info: UpgradeInfo | undefined;
    try {
      info = readUpgradeInfo(this.paths.data);
    } catch (err) {
      return this.#refuseHalt('', isBabyError(err) ? err.code : LauncherErrorCode.NOT_PREPARED, (err as Error).message);
    }
    if (info === undefined) {
      return this.#refuseHalt('', LauncherErrorCode.NOT_PREPARED, 'the node exited 3 without data/upgrade-info.json');
    }
    if (journal?.state === 'rolled-back' && journal.plan === info.name && journal.fromVersion === this.version) {
      this.#log.error(`plan ${info.name}: release ${journal.toVersion} was rolled back; staying halted`, {
        code: LauncherErrorCode.ROLLED_BACK,
        plan: info.name,
        hint: 'install a fixed release with "baby-launcher install" and restart the launcher',
      });
      return undefined;
    }
    const digest = manifestDigest(info.manifest);
    if (!this.#preparer.isFor({ name: info.name, version: info.version, manifestDigest: digest })) {
      // Halted before the pre-download finished, or before this launcher ever saw the plan (a node syncing from
      // genesis reaches a plan height within a second): verify and fetch now, against the plan's decision.
      const view = viewAtHalt(info) ?? this.#lastViewOf(info, digest);
      const plan = view?.plan;
      if (view === undefined || plan === undefined || plan === null) {
        return this.#refuseHalt(
          info.name,
          LauncherErrorCode.NOT_PREPARED,
          `the node halted for plan ${info.name} (release ${info.version}) and there is no verified release for it`,
        );
      }
      if (this.#preparer.refused(plan)) {
        this.#log.error(`staying halted: the release of plan ${info.name} was refused (last-upgrade.json says why)`);
        return undefined;
      }
      const wait = this.#preparer.waitFor(plan) ?? 0;
      if (wait > 0) await this.#halted(wait);
      else await this.#preparer.prepare(view, plan);
      return 'again';
    }
    const prepared = this.#preparer.prepared as NonNullable<Preparer['prepared']>;
    const from = this.#need();
    const to = readRelease(releaseDir(this.paths, prepared.version));
    const hook = this.#opts.preUpgradeHook;
    // LCH-10: the hook runs once the release is verified and in place, and before anything is switched.
    const preUpgrade =
      hook === undefined
        ? undefined
        : (hookPassed(this.paths, info.name) ??
          (await runPreUpgrade(
            { ...this.#switchContext(), hook, sleep: (ms) => this.#halted(ms) },
            {
              home: this.paths.home,
              data: this.paths.data,
              plan: info.name,
              height: info.height,
              fromVersion: from.info.version,
              toVersion: to.info.version,
              fromDir: from.dir,
              toDir: to.dir,
            },
            haltAtMs,
          )));
    // Failed every attempt (reported) or the launcher stops: stay halted on the old release.
    if (preUpgrade === 'stopped' || preUpgrade?.ok === false) return undefined;
    const child = await switchRelease(this.#switchContext(), {
      plan: info.name,
      height: info.height,
      from,
      to,
      haltAtMs,
      ...(preUpgrade === undefined ? {} : { preUpgrade }),
    });
    return this.#afterSwitch(child);
  }

  /** Waits `ms` halted (the node is stopped), unless the launcher is stopped first. */
  async #halted(ms: number): Promise<void> {
    this.#phase = 'halted';
    await this.#sleep(ms);
    if (!this.#stopping()) this.#phase = 'switching';
  }

  /** The last GET /upgrade answer, when it was about the plan the node halted for. */
  #lastViewOf(info: UpgradeInfo, digest: string): UpgradeView | undefined {
    const plan = this.#lastView?.plan;
    return plan?.name === info.name && plan.manifestDigest === digest ? this.#lastView : undefined;
  }

  #refuseHalt(plan: string, code: string, message: string): undefined {
    this.#log.error(`staying halted: ${code} ${message}`, { code, plan });
    this.#report({ status: 'refused', code, message, plan, atMs: Date.now() });
    return undefined;
  }
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

/**
 * A node a killed launcher left running (no supervisor killed the whole group) would hold the database lock and
 * make the restarted launcher roll back a release that works: it is stopped first.
 */
async function stopOrphan(paths: LauncherPaths, log: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(paths.childPid, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid || !isOurs(pid, paths.home)) return;
  log.warn(`the node ${pid} a previous launcher started still runs: stopping it`, { pid });
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isOurs(pid, paths.home); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** `pid` is alive and runs a node of `home`. */
function isOurs(pid: number, home: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(home);
  } catch {
    return false;
  }
}

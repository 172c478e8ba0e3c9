/**
 * LCH-6, LCH-7, LCH-8: the switch at the halt, driven by the journal so that a launcher killed at any instant
 * finishes it. Back up `data/`, point `current` at the new release, start it and watch it commit the plan height;
 * if it cannot, put the backup back (keeping what the failed release signed, LCH-6) and start the old one.
 */
import { dirname, join } from 'node:path';
import { BabyClient } from '@babychain/client';
import { readUpgradeInfo, UPGRADE_EXIT_CODE } from '@babychain/upgrade';
import type { Logger } from '@babychain/util';
import { backupData, keepFailedConsensus, markRestored, moveEntries, planBackupDir, pruneBackups } from './backup.ts';
import type { ChildExit, NodeChild } from './child.ts';
import { LauncherErrorCode } from './errors.ts';
import type { PreUpgradeOutcome } from './hook.ts';
import { type RollbackStep, type SwitchJournal, writeJournal } from './journal.ts';
import { type LauncherPaths, writeCurrent } from './layout.ts';
import { rpcUrl } from './node-rpc.ts';
import { type Release, readRelease, releaseDir } from './release.ts';
import type { LauncherReport } from './report.ts';

export interface SwitchOptions {
  /** where plan backups go (default `launcher/backups`) */
  readonly backupDir: string;
  /** the operator's explicit choice: no backup, so no rollback (logged at every switch) */
  readonly skipBackup: boolean;
  /** plan backups kept, the new one included */
  readonly keepBackups: number;
  /** LCH-6: how long the new release has to answer on its RPC (one that never does hangs, and is rolled back) */
  readonly switchTimeoutMs: number;
}

export interface SwitchContext extends SwitchOptions {
  readonly paths: LauncherPaths;
  readonly log: Logger;
  /** writes last-upgrade.json; never throws */
  report(report: LauncherReport): void;
  start(release: Release): NodeChild;
  stopping(): boolean;
  readonly stopSignal: Promise<void>;
}

export interface SwitchRequest {
  readonly plan: string;
  readonly height: bigint;
  readonly from: Release;
  readonly to: Release;
  readonly haltAtMs: number;
  /** LCH-10: the hook that passed before the switch, carried into the journal and the `upgraded` report */
  readonly preUpgrade?: PreUpgradeOutcome;
}

/**
 * Backs up, switches and watches. Resolves with the child that runs next (the new release, or the old one after a
 * rollback), or undefined to stay stopped. Throws LCH_BACKUP_FAILED with everything as it was before the switch
 * (the journal says backing-up; the caller tries again).
 */
export async function switchRelease(ctx: SwitchContext, req: SwitchRequest): Promise<NodeChild | undefined> {
  const planDir = planBackupDir(ctx.backupDir, req.plan);
  const base = {
    plan: req.plan,
    height: req.height.toString(),
    fromVersion: req.from.info.version,
    toVersion: req.to.info.version,
    backup: ctx.skipBackup ? null : join(planDir, 'data'),
    haltAtMs: req.haltAtMs,
    ...(req.preUpgrade === undefined ? {} : { preUpgrade: req.preUpgrade }),
  };
  writeJournal(ctx.paths, { ...base, state: 'backing-up' });
  ctx.report({ status: 'switching', ...reportBase(base), step: 'backing-up', atMs: Date.now() });
  let backupStats: { linked: number; copied: number } | undefined;
  if (ctx.skipBackup) {
    ctx.log.warn(`plan ${req.plan}: no backup of data/ (--unsafe-skip-backup): a failed release cannot be rolled back`);
  } else {
    const backup = backupData(ctx.paths.data, planDir, base);
    backupStats = backup;
    const pruned = pruneBackups(ctx.backupDir, req.plan, ctx.keepBackups);
    ctx.log.info(`plan ${req.plan}: data backed up (${backup.linked} linked, ${backup.copied} copied)`, {
      dir: planDir,
      ...(pruned.length > 0 ? { pruned } : {}),
    });
  }
  const switched = writeJournal(ctx.paths, {
    ...base,
    state: 'switched',
    ...(backupStats === undefined ? {} : { backupStats }),
  });
  return watchNew(ctx, switched);
}

/** LCH-7: picks a switch up where a killed launcher left it (decisions.ts resumeAction). */
export async function resumeSwitch(ctx: SwitchContext, journal: SwitchJournal): Promise<NodeChild | undefined> {
  ctx.log.warn(`resuming the switch to ${journal.toVersion} for plan ${journal.plan} from "${journal.state}"`);
  if (journal.state === 'rolling-back') return rollBack(ctx, journal);
  return watchNew(ctx, journal);
}

/** `current` names the new release, which runs until it commits the plan height or is rolled back. */
async function watchNew(ctx: SwitchContext, journal: SwitchJournal): Promise<NodeChild | undefined> {
  const to = readRelease(releaseDir(ctx.paths, journal.toVersion));
  writeCurrent(ctx.paths, journal.toVersion);
  const watching = writeJournal(ctx.paths, { ...journal, state: 'watching' });
  ctx.report({ status: 'switching', ...reportBase(journal), step: 'watching', atMs: Date.now() });
  const child = ctx.start(to);
  const height = BigInt(journal.height);
  const outcome = await awaitHeight(ctx, child, height);
  if (outcome.kind === 'stopped') return child;
  if (outcome.kind === 'ok') {
    const switchMs = outcome.atMs - journal.haltAtMs;
    ctx.report({
      status: 'upgraded',
      plan: journal.plan,
      fromVersion: journal.fromVersion,
      toVersion: journal.toVersion,
      haltHeight: journal.height,
      firstHeightOnNew: outcome.height.toString(),
      switchMs,
      backup: journal.backupStats ?? null,
      ...(journal.preUpgrade === undefined ? {} : { preUpgrade: journal.preUpgrade }),
      atMs: Date.now(),
    });
    writeJournal(ctx.paths, { ...watching, state: 'upgraded' });
    ctx.log.info(`plan ${journal.plan}: upgraded ${journal.fromVersion} -> ${journal.toVersion} in ${switchMs} ms`, {
      firstHeightOnNew: outcome.height.toString(),
    });
    return child;
  }
  const exit = outcome.kind === 'exited' ? outcome.exit : await child.stop();
  const message =
    outcome.kind === 'exited'
      ? `release ${journal.toVersion} exited with ${describeExit(exit)} before committing height ${height}`
      : `release ${journal.toVersion} did not answer on its RPC within ${outcome.waitedMs} ms`;
  const failure = { message, exitCode: exit.code, signal: exit.signal, lastLines: child.tail() };
  if (watching.backup === null) {
    ctx.report({
      status: 'failed',
      code: LauncherErrorCode.NO_BACKUP,
      plan: journal.plan,
      fromVersion: journal.fromVersion,
      toVersion: journal.toVersion,
      atMs: Date.now(),
      ...failure,
      message: `${message}; there is no backup to roll back to (--unsafe-skip-backup): the node stays stopped`,
    });
    writeJournal(ctx.paths, { ...watching, state: 'failed', failure });
    ctx.log.error(`${LauncherErrorCode.NO_BACKUP}: ${message}; staying stopped`, { plan: journal.plan });
    return undefined;
  }
  const failedData = join(planBackupDir(ctx.backupDir, journal.plan), `failed-${Date.now()}`);
  const rolling = writeJournal(ctx.paths, { ...watching, state: 'rolling-back', step: 'aside', failedData, failure });
  return rollBack(ctx, rolling);
}

/** LCH-6: the failed release's data aside, the backup back, its signatures kept, the old release current again. */
async function rollBack(ctx: SwitchContext, journal: SwitchJournal): Promise<NodeChild | undefined> {
  const { failedData, backup, failure } = journal;
  if (failedData === undefined || backup === null || failure === undefined) {
    throw new Error(`the journal of plan ${journal.plan} is rolling back without a backup or a failure`);
  }
  const steps: RollbackStep[] = ['aside', 'restore', 'merge'];
  for (const step of steps.slice(steps.indexOf(journal.step ?? 'aside'))) {
    writeJournal(ctx.paths, { ...journal, step });
    if (step === 'aside') moveEntries(ctx.paths.data, failedData);
    if (step === 'restore') moveEntries(backup, ctx.paths.data);
    if (step === 'merge') keepFailedConsensus(ctx.paths.data, failedData, BigInt(journal.height));
  }
  markRestored(dirname(backup));
  writeCurrent(ctx.paths, journal.fromVersion);
  ctx.report({
    status: 'rolled-back',
    code: LauncherErrorCode.ROLLED_BACK,
    plan: journal.plan,
    fromVersion: journal.fromVersion,
    toVersion: journal.toVersion,
    failedData,
    atMs: Date.now(),
    ...failure,
  });
  writeJournal(ctx.paths, { ...journal, state: 'rolled-back' });
  ctx.log.error(`${LauncherErrorCode.ROLLED_BACK}: ${failure.message}; back on ${journal.fromVersion}`, {
    code: LauncherErrorCode.ROLLED_BACK,
    plan: journal.plan,
    failedData,
  });
  return ctx.start(readRelease(releaseDir(ctx.paths, journal.fromVersion)));
}

type WatchOutcome =
  | { kind: 'ok'; height: bigint; atMs: number }
  | { kind: 'exited'; exit: ChildExit }
  | { kind: 'timeout'; waitedMs: number }
  | { kind: 'stopped' };

/**
 * Polls the new release's status until it reports a committed height at or above `height`. It rolls back only a
 * release that exits first, or that has not answered on its RPC within the timeout (it hangs): one that answers and
 * waits for two thirds of the power to switch is watched for as long as that takes. An exit with status 3 at a later
 * plan (a node syncing through two plans) means it committed past `height`.
 */
async function awaitHeight(ctx: SwitchContext, child: NodeChild, height: bigint): Promise<WatchOutcome> {
  const client = new BabyClient({ url: rpcUrl(ctx.paths), timeoutMs: 2000 });
  const start = Date.now();
  let answered = false;
  let nextNote = start + ctx.switchTimeoutMs;
  let exited: ChildExit | undefined;
  void child.exited.then((e) => {
    exited = e;
  });
  for (;;) {
    if (ctx.stopping()) return { kind: 'stopped' };
    if (exited !== undefined) return haltedPast(ctx, exited, height) ?? { kind: 'exited', exit: exited };
    try {
      const status = await client.status();
      answered = true;
      if (status.height >= height) return { kind: 'ok', height: status.height, atMs: Date.now() };
      if (Date.now() >= nextNote) {
        nextNote = Date.now() + ctx.switchTimeoutMs;
        ctx.log.warn(
          `the new release runs at height ${status.height} and waits for two thirds of the power to reach ${height}`,
        );
      }
    } catch {
      // not up yet
    }
    if (!answered && Date.now() - start >= ctx.switchTimeoutMs)
      return { kind: 'timeout', waitedMs: Date.now() - start };
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), child.exited, ctx.stopSignal]);
  }
}

/** An exit with status 3 whose upgrade-info file names a later plan: the release committed the heights before it. */
function haltedPast(ctx: SwitchContext, exit: ChildExit, height: bigint): WatchOutcome | undefined {
  if (exit.code !== UPGRADE_EXIT_CODE) return undefined;
  try {
    const next = readUpgradeInfo(ctx.paths.data);
    if (next !== undefined && next.height > height) return { kind: 'ok', height: next.height - 1n, atMs: exit.atMs };
  } catch {
    // an unreadable file says nothing about how far it got
  }
  return undefined;
}

function reportBase(j: { plan: string; fromVersion: string; toVersion: string }) {
  return { plan: j.plan, fromVersion: j.fromVersion, toVersion: j.toVersion };
}

export function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `status ${exit.code}`;
}

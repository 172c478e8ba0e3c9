/**
 * LCH-7: the switch journal `launcher/switch.json`. Every step of a switch is written here, durably, before it is
 * taken, so a launcher killed at any instant reads on restart where it was and finishes (decisions.ts
 * `resumeAction`). The states, in order: (pre-upgrade →) backing-up → switched → watching → upgraded, or from watching (or
 * switched) → rolling-back → rolled-back, or (no backup) → failed.
 */

import type { ExitReport } from '@babychain/upgrade';
import type { PreUpgradeOutcome } from './hook.ts';
import { type LauncherPaths, readJson, writeJsonDurable } from './layout.ts';

export type SwitchState =
  /** LCH-10: the operator's hook runs (or failed every attempt); nothing is switched yet */
  | 'pre-upgrade'
  | 'backing-up'
  | 'switched'
  | 'watching'
  | 'upgraded'
  | 'rolling-back'
  | 'rolled-back'
  /** the new release failed with no backup to roll back to: it stays stopped while it is current */
  | 'failed';

/** Where a rollback is: moving the failed data aside, putting the backup back, merging consensus files. */
export type RollbackStep = 'aside' | 'restore' | 'merge';

export interface SwitchJournal {
  readonly plan: string;
  /** the plan height, decimal */
  readonly height: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly state: SwitchState;
  /** the plan's backup of `data/`; null when the operator chose to skip the backup */
  readonly backup: string | null;
  /** how the backup was made, once it is complete */
  readonly backupStats?: { readonly linked: number; readonly copied: number };
  /** when the old release exited at the halt (for the report's switchMs) */
  readonly haltAtMs: number;
  /** rolling-back, rolled-back: where the failed release's data goes, how far the rollback got, and why */
  readonly failedData?: string;
  readonly step?: RollbackStep;
  readonly failure?: { readonly message: string } & ExitReport;
  /** LCH-10: the pre-upgrade hook's outcome (its last attempt while it runs; `ok` once it passed) */
  readonly preUpgrade?: PreUpgradeOutcome;
  /** LCH-10: the pid (and process group) of the hook attempt that runs, so a restarted launcher stops it */
  readonly hookPid?: number;
  readonly atMs: number;
}

export function readJournal(paths: LauncherPaths): SwitchJournal | undefined {
  return readJson(paths.journal) as SwitchJournal | undefined;
}

/** The next step, on disk before it is taken. */
export function writeJournal(paths: LauncherPaths, journal: Omit<SwitchJournal, 'atMs'>): SwitchJournal {
  const written = { ...journal, atMs: Date.now() };
  writeJsonDurable(paths.journal, written);
  return written;
}

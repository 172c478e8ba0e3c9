/** `launcher/last-upgrade.json` (LCH-1): the report of the last switch, rollback or refusal, and `prepared.json`. */

import { writeFileDurable } from '@babychain/upgrade';
import { type LauncherPaths, readJson } from './layout.ts';
import { bigints } from './log.ts';

export interface ExitReport {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly lastLines: readonly string[];
}

export type UpgradeReport =
  | {
      readonly status: 'refused';
      readonly code: string;
      readonly message: string;
      readonly plan: string;
      readonly atMs: number;
    }
  | {
      /** a failure another attempt can cure (a source, a full disk, a backup); tried again after `retryInMs` */
      readonly status: 'retrying';
      readonly code: string;
      readonly message: string;
      readonly plan: string;
      readonly retryInMs: number;
      readonly atMs: number;
    }
  | {
      readonly status: 'prepared';
      readonly plan: string;
      readonly version: string;
      readonly sha256: string;
      readonly atMs: number;
    }
  | {
      /** the plan a release was prepared for is no longer scheduled (GOV-10) */
      readonly status: 'cancelled';
      readonly plan: string;
      readonly version: string;
      readonly atMs: number;
    }
  | {
      /** a switch under way (LCH-7): the journal's step */
      readonly status: 'switching';
      readonly plan: string;
      readonly fromVersion: string;
      readonly toVersion: string;
      readonly step: 'backing-up' | 'watching';
      readonly atMs: number;
    }
  | {
      readonly status: 'upgraded';
      readonly plan: string;
      readonly fromVersion: string;
      readonly toVersion: string;
      /** the plan height: the first height the old release refused to execute */
      readonly haltHeight: string;
      /** the first committed height the new release reported */
      readonly firstHeightOnNew: string;
      /** from the old release's exit to the first block of the new one */
      readonly switchMs: number;
      /** null when the operator chose to skip the backup */
      readonly backup: { readonly linked: number; readonly copied: number } | null;
      readonly atMs: number;
    }
  | ({
      readonly status: 'rolled-back';
      readonly code: string;
      readonly message: string;
      readonly plan: string;
      readonly fromVersion: string;
      readonly toVersion: string;
      /** where the failed release's data directory was moved */
      readonly failedData: string;
      readonly atMs: number;
    } & ExitReport)
  | ({
      /** the new release failed and there is no backup to roll back to (the operator skipped it): stopped */
      readonly status: 'failed';
      readonly code: string;
      readonly message: string;
      readonly plan: string;
      readonly fromVersion: string;
      readonly toVersion: string;
      readonly atMs: number;
    } & ExitReport);

/** Writes the report durably; the error when the disk refuses it, which must not stop the launcher. */
export function writeReport(paths: LauncherPaths, report: UpgradeReport): Error | undefined {
  try {
    writeFileDurable(paths.report, `${JSON.stringify(report, bigints, 2)}\n`);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

export function readReport(paths: LauncherPaths): UpgradeReport | undefined {
  try {
    return readJson(paths.report) as UpgradeReport | undefined;
  } catch {
    return undefined;
  }
}

/** The release verified and unpacked for a plan (LCH-2), kept across launcher restarts. */
export interface PreparedRelease {
  readonly plan: string;
  readonly planHeight: string;
  readonly version: string;
  /** hex SHA-256 of the SignedManifest's encoding: the upgrade-info file must name the same */
  readonly manifestDigest: string;
  /** hex SHA-256 of the artifact */
  readonly sha256: string;
  readonly readySent: boolean;
  /** `cancelled` once the plan is no longer scheduled (absent in files written before it existed: prepared) */
  readonly status?: 'prepared' | 'cancelled';
}

export function readPrepared(paths: LauncherPaths): PreparedRelease | undefined {
  try {
    return readJson(paths.prepared) as PreparedRelease | undefined;
  } catch {
    return undefined;
  }
}

/** `launcher/last-upgrade.json` (LCH-1): the report of the last switch, rollback or refusal, and `prepared.json`. */

import { writeFileDurable } from '@babychain/upgrade';
import { type LauncherPaths, readJson } from './layout.ts';
import { bigints } from './log.ts';

export type UpgradeReport =
  | {
      readonly status: 'refused';
      readonly code: string;
      readonly message: string;
      readonly plan: string;
      readonly atMs: number;
    }
  | {
      /** a download that no source completed; tried again after `retryInMs` */
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
      readonly backup: { readonly linked: number; readonly copied: number };
      readonly atMs: number;
    }
  | {
      readonly status: 'rolled-back';
      readonly code: string;
      readonly message: string;
      readonly plan: string;
      readonly fromVersion: string;
      readonly toVersion: string;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly lastLines: readonly string[];
      /** where the failed release's data directory was moved */
      readonly failedData: string;
      readonly atMs: number;
    };

export function writeReport(paths: LauncherPaths, report: UpgradeReport): void {
  writeFileDurable(paths.report, `${JSON.stringify(report, bigints, 2)}\n`);
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
}

export function readPrepared(paths: LauncherPaths): PreparedRelease | undefined {
  try {
    return readJson(paths.prepared) as PreparedRelease | undefined;
  } catch {
    return undefined;
  }
}

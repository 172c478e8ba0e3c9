/** `launcher/last-upgrade.json` (LCH-1): writing the report of the last switch, rollback or refusal; `prepared.json`. */

import type { UpgradeReport } from '@babychain/upgrade';
import { writeFileDurable } from '@babychain/util';
import type { PreUpgradeOutcome } from './hook.ts';
import { type LauncherPaths, readJson } from './layout.ts';

/** What the launcher writes: the shared report, with the pre-upgrade hook's outcome when one ran (LCH-10). */
export type LauncherReport = UpgradeReport & { readonly preUpgrade?: PreUpgradeOutcome };

/** JSON.stringify's replacer for the report: uint64 values as decimal strings, as everywhere in JSON. */
function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Writes the report durably; the error when the disk refuses it, which must not stop the launcher. */
export function writeReport(paths: LauncherPaths, report: LauncherReport): Error | undefined {
  try {
    writeFileDurable(paths.report, `${JSON.stringify(report, bigints, 2)}\n`);
    return undefined;
  } catch (err) {
    return err as Error;
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

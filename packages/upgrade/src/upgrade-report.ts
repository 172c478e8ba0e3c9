/**
 * `launcher/last-upgrade.json` (specs/governance.md LCH-1): the launcher's report of its last preparation, refusal,
 * switch or rollback. The launcher writes it; the node reads it for its metrics, so the shape lives here, below both.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** Where the launcher of the node at `home` keeps its report. */
export function upgradeReportPath(home: string): string {
  return join(home, 'launcher', 'last-upgrade.json');
}

/** The report, or undefined when there is none or it cannot be read (a launcher mid-write, another format). */
export function readUpgradeReport(path: string): UpgradeReport | undefined {
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof report === 'object' && report !== null && 'status' in report ? (report as UpgradeReport) : undefined;
  } catch {
    return undefined;
  }
}

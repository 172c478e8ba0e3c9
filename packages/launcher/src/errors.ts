import { type ErrorMeta, errorHelper } from '@babychain/codec';

/**
 * What the launcher refuses or reports (specs/governance.md LCH-*, docs/upgrades.md). The REL_* codes of a refused
 * manifest or artifact are the upgrade package's; these are the launcher's own.
 */
export const LauncherErrorCode = {
  NO_ARTIFACT: 'LCH_NO_ARTIFACT',
  ROLLED_BACK: 'LCH_ROLLED_BACK',
  BAD_RELEASE: 'LCH_BAD_RELEASE',
  DOWNLOAD_FAILED: 'LCH_DOWNLOAD_FAILED',
  NOT_PREPARED: 'LCH_NOT_PREPARED',
  NO_RELEASE: 'LCH_NO_RELEASE',
  NODE_CRASHED: 'LCH_NODE_CRASHED',
  BAD_USAGE: 'LCH_BAD_USAGE',
  BAD_NODE_ANSWER: 'LCH_BAD_NODE_ANSWER',
  /** the disk filled (or a quota ran out) while writing: temporary, retried */
  DISK_FULL: 'LCH_DISK_FULL',
  /** the backup of data/ before a switch failed (full disk, a link inside data/, ...): retried, never skipped */
  BACKUP_FAILED: 'LCH_BACKUP_FAILED',
  /** the new release failed and the operator had skipped the backup: nothing to roll back to */
  NO_BACKUP: 'LCH_NO_BACKUP',
  /** a local I/O error while unpacking or switching (not a full disk): retried */
  IO_FAILED: 'LCH_IO_FAILED',
  /** LCH-9: the artifact registered with add-upgrade is not the plan's (size, digest): retried, so a fixed one is used */
  ADDED_UPGRADE_REFUSED: 'LCH_ADDED_UPGRADE_REFUSED',
  /** LCH-10: the pre-upgrade hook failed every attempt: the launcher stays halted on the old release */
  PRE_UPGRADE_FAILED: 'LCH_PRE_UPGRADE_FAILED',
} as const;

export type LauncherErrorCode = (typeof LauncherErrorCode)[keyof typeof LauncherErrorCode];

/** Why one download source failed: a REL_* refusal, a full disk, or the transport's code. */
export interface SourceFailure {
  readonly source: string;
  readonly code: string;
  readonly message: string;
}

/** `errno`: the system's error code (ENOSPC, EACCES, ...) */
type IoMeta = ErrorMeta & { errno?: string };

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<LauncherErrorCode, ErrorMeta> {
    [LauncherErrorCode.NO_ARTIFACT]: ErrorMeta & { platform: string };
    /** `entry`: the archive entry at fault; `version`: the release already running */
    [LauncherErrorCode.BAD_RELEASE]: ErrorMeta & { entry?: string; type?: string; version?: string };
    [LauncherErrorCode.DOWNLOAD_FAILED]: ErrorMeta & { sources?: readonly SourceFailure[] };
    [LauncherErrorCode.DISK_FULL]: IoMeta;
    /** `reason`: disk-full, symlink, special-file or the errno; `path`: the entry that cannot be copied */
    [LauncherErrorCode.BACKUP_FAILED]: IoMeta & { reason: string; path?: string };
    [LauncherErrorCode.IO_FAILED]: IoMeta;
    /** `reason`: the REL_* code the registered bytes failed; `path`: the registered file */
    [LauncherErrorCode.ADDED_UPGRADE_REFUSED]: ErrorMeta & {
      reason: string;
      path: string;
      sources?: readonly SourceFailure[];
    };
  }
}

export const launcherError = errorHelper<LauncherErrorCode>();

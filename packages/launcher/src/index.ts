// @babychain/launcher: public surface (README.md).
export { type AddedUpgrade, addUpgrade } from './added.ts';
export { installArtifact, installSource, type LauncherStatus, launcherStatus } from './commands.ts';
export {
  type GuardRecord,
  guardToKeep,
  isRetried,
  type ResumeAction,
  releaseForPlan,
  resumeAction,
  type ScheduledRelease,
  SOURCE_TIMING,
  type SourceTiming,
  sourceDeadlines,
  walFromFailed,
} from './decisions.ts';
export { checkSource } from './download.ts';
export { LauncherErrorCode } from './errors.ts';
export { PRE_UPGRADE_DEFAULTS, type PreUpgradeHook, type PreUpgradeOutcome } from './hook.ts';
export type { SwitchJournal, SwitchState } from './journal.ts';
export {
  DEFAULT_KEEP_BACKUPS,
  DEFAULT_POLL_MS,
  DEFAULT_SWITCH_TIMEOUT_MS,
  Launcher,
  type LauncherOptions,
} from './launcher.ts';
export { type LauncherPaths, launcherPaths } from './layout.ts';
export type { LauncherReport, PreparedRelease } from './report.ts';

// @babychain/launcher: public surface (README.md).
export { installArtifact, installSource, type LauncherStatus, launcherStatus } from './commands.ts';
export { releaseForPlan, type ScheduledRelease } from './decisions.ts';
export { LauncherErrorCode } from './errors.ts';
export { DEFAULT_POLL_MS, DEFAULT_SWITCH_TIMEOUT_MS, Launcher, type LauncherOptions } from './launcher.ts';
export { type LauncherPaths, launcherPaths } from './layout.ts';
export type { Logger, LogLevel } from './log.ts';
export type { PreparedRelease, UpgradeReport } from './report.ts';

/**
 * LCH-10: the pre-upgrade hook's attempts at the halt, journalled. Before each attempt the journal says
 * `pre-upgrade` with the attempt's number and pid, so a launcher killed mid-hook stops the orphan and runs the hook
 * again when it starts (a hook must therefore be safe to run twice). A hook that fails every attempt leaves the node
 * halted on the old release with `LCH_PRE_UPGRADE_FAILED` in the report: the old release cannot execute the plan
 * height anyway, and switching past a check the operator asked for is not the launcher's call.
 */
import type { Logger } from '@babychain/util';
import { LauncherErrorCode } from './errors.ts';
import {
  type HookAttempt,
  type HookPlan,
  hookEnv,
  type PreUpgradeHook,
  type PreUpgradeOutcome,
  runHookOnce,
  stopOrphanHook,
} from './hook.ts';
import { readJournal, writeJournal } from './journal.ts';
import type { LauncherPaths } from './layout.ts';
import type { LauncherReport } from './report.ts';

const MAX_RETRY_DELAY_MS = 60_000;

export interface PreUpgradeContext {
  readonly paths: LauncherPaths;
  readonly log: Logger;
  readonly hook: PreUpgradeHook;
  report(report: LauncherReport): void;
  stopping(): boolean;
  readonly stopSignal: Promise<void>;
  /** waits halted, unless the launcher stops first */
  sleep(ms: number): Promise<void>;
}

/**
 * Whether the hook already passed for this plan: a launcher killed after it (the journal went on to backing-up, with
 * the hook's outcome) does not run it again.
 */
export function hookPassed(paths: LauncherPaths, plan: string): PreUpgradeOutcome | undefined {
  const journal = readJournal(paths);
  if (journal?.plan !== plan || journal.state === 'pre-upgrade') return undefined;
  return journal.preUpgrade?.ok === true ? journal.preUpgrade : undefined;
}

/** Runs the hook until it exits 0 or its retries are spent; 'stopped' when the launcher stops meanwhile. */
export async function runPreUpgrade(
  ctx: PreUpgradeContext,
  p: HookPlan,
  haltAtMs: number,
): Promise<PreUpgradeOutcome | 'stopped'> {
  const { hook, log, paths } = ctx;
  const previous = readJournal(paths);
  const resumed = previous?.state === 'pre-upgrade' && previous.plan === p.plan ? previous : undefined;
  // A launcher killed mid-hook left its group running: it must not race the attempt that follows.
  if (resumed !== undefined) stopOrphanHook(resumed.hookPid, paths.home, p.plan, log);
  // Attempts count on from a killed launcher's for the report; the budget of failures starts afresh, so a kill, or
  // an operator restarting the launcher after fixing what the hook reported, always gets a full set of retries.
  let attempts = resumed?.preUpgrade?.attempts ?? 0;
  const base = {
    plan: p.plan,
    height: p.height.toString(),
    fromVersion: p.fromVersion,
    toVersion: p.toVersion,
    backup: null,
    haltAtMs,
  };
  const start = Date.now();
  let delayMs = hook.retryDelayMs;
  for (let failures = 0; ; ) {
    if (ctx.stopping()) return 'stopped';
    attempts++;
    const running: PreUpgradeOutcome = {
      hook: hook.path,
      ok: false,
      attempts,
      totalMs: Date.now() - start,
      exitCode: null,
      signal: null,
      timedOut: false,
      durationMs: 0,
      lastLines: [],
    };
    writeJournal(paths, { ...base, state: 'pre-upgrade', preUpgrade: running });
    log.info(`plan ${p.plan}: running the pre-upgrade hook ${hook.path} (attempt ${attempts})`);
    const attempt = await runHookOnce(
      hook,
      hookEnv(p, attempts),
      paths.home,
      ctx.stopSignal,
      (pid) => writeJournal(paths, { ...base, state: 'pre-upgrade', preUpgrade: running, hookPid: pid }),
      log,
    );
    // A hook killed because the launcher stops has not failed: the journal keeps `pre-upgrade`, the next one reruns it.
    if (ctx.stopping()) return 'stopped';
    const outcome = { ...running, ...attempt, ok: attempt.exitCode === 0, totalMs: Date.now() - start };
    if (outcome.ok) {
      log.info(`plan ${p.plan}: the pre-upgrade hook passed in ${attempt.durationMs} ms`, { attempts });
      return outcome;
    }
    failures++;
    const why = describe(attempt, hook.timeoutMs);
    writeJournal(paths, { ...base, state: 'pre-upgrade', preUpgrade: outcome });
    if (failures > hook.retries) {
      const message = `the pre-upgrade hook ${hook.path} failed ${failures} time(s), last: ${why}; the node stays halted on ${p.fromVersion}`;
      log.error(`${LauncherErrorCode.PRE_UPGRADE_FAILED}: ${message}`, {
        plan: p.plan,
        lastLines: attempt.lastLines.slice(-5),
        hint: 'fix what the hook reports and restart the launcher, or restart it without --pre-upgrade-hook',
      });
      ctx.report({
        status: 'refused',
        code: LauncherErrorCode.PRE_UPGRADE_FAILED,
        message,
        plan: p.plan,
        preUpgrade: outcome,
        atMs: Date.now(),
      });
      return outcome;
    }
    log.warn(`plan ${p.plan}: the pre-upgrade hook failed (${why}); again in ${delayMs} ms`, { attempts });
    ctx.report({
      status: 'retrying',
      code: LauncherErrorCode.PRE_UPGRADE_FAILED,
      message: `the pre-upgrade hook ${hook.path} failed: ${why}`,
      plan: p.plan,
      retryInMs: delayMs,
      preUpgrade: outcome,
      atMs: Date.now(),
    });
    await ctx.sleep(delayMs);
    delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
  }
}

function describe(a: HookAttempt, timeoutMs: number): string {
  if (a.timedOut) return `no exit within ${timeoutMs} ms (killed)`;
  if (a.signal !== null) return `signal ${a.signal}`;
  return a.exitCode === null ? 'it could not be started' : `exit status ${a.exitCode}`;
}

/**
 * LCH-10: the operator's pre-upgrade hook, run between the old release's halt at the plan height and the switch
 * (a snapshot to ship off the host, a config to migrate, a page to send). It runs in its own process group so a
 * timeout kills whatever it started, with the plan in its environment; each attempt is written to the switch
 * journal before it starts, so a launcher killed mid-hook stops the orphan and runs the hook again on restart.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from '@babychain/util';

export interface PreUpgradeHook {
  /** an executable; run with no arguments, the node home as its working directory */
  readonly path: string;
  /** attempts after the first one that fails (default 2) */
  readonly retries: number;
  /** each attempt is killed (its whole process group) after this long (default 5 minutes) */
  readonly timeoutMs: number;
  /** the pause before the first retry, doubled after each (default 1 s, at most 60 s) */
  readonly retryDelayMs: number;
}

export const PRE_UPGRADE_DEFAULTS = Object.freeze({ retries: 2, timeoutMs: 300_000, retryDelayMs: 1000 });
/** How many of the hook's last output lines the report keeps. */
const TAIL_LINES = 20;

/** One attempt, as the report shows it. */
export interface HookAttempt {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly lastLines: readonly string[];
}

/** The hook's outcome for a plan: in the journal while it runs, in last-upgrade.json as `preUpgrade`. */
export interface PreUpgradeOutcome extends HookAttempt {
  readonly hook: string;
  readonly ok: boolean;
  /** attempts made so far, the one a killed launcher interrupted included */
  readonly attempts: number;
  /** from the first attempt's start to the last one's end, the pauses included */
  readonly totalMs: number;
}

/** What the hook is told, as environment variables (docs/upgrades.md lists them). */
export interface HookPlan {
  readonly home: string;
  readonly data: string;
  readonly plan: string;
  readonly height: bigint;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly fromDir: string;
  readonly toDir: string;
}

export function hookEnv(p: HookPlan, attempt: number): Record<string, string> {
  return {
    BABY_HOME: p.home,
    BABY_DATA_DIR: p.data,
    BABY_PLAN_NAME: p.plan,
    BABY_PLAN_HEIGHT: p.height.toString(),
    // the last height the old release committed: the halt is at the plan height, which it refused to execute
    BABY_LAST_HEIGHT: (p.height - 1n).toString(),
    BABY_FROM_VERSION: p.fromVersion,
    BABY_TO_VERSION: p.toVersion,
    BABY_FROM_RELEASE_DIR: p.fromDir,
    BABY_TO_RELEASE_DIR: p.toDir,
    BABY_PRE_UPGRADE_ATTEMPT: String(attempt),
  };
}

/**
 * Runs the hook once. Resolves when it exits, is killed at `timeoutMs`, or `stop` fires (the launcher stops: the
 * hook is killed too, and the journal makes the next launcher run it again). Never rejects: a hook that cannot be
 * started is a failed attempt with the reason as its output.
 */
export function runHookOnce(
  hook: PreUpgradeHook,
  env: Record<string, string>,
  cwd: string,
  stop: Promise<void>,
  onPid: (pid: number) => void,
  log: Logger,
): Promise<HookAttempt> {
  const start = Date.now();
  const lines: string[] = [];
  const keep = (text: string) => {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  return new Promise((resolve) => {
    let timedOut = false;
    const child = spawn(hook.path, [], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own group: a timeout kills what the hook started (a `sleep`, an rsync), not the hook's shell alone
      detached: true,
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    if (child.pid !== undefined) onPid(child.pid);
    child.stdout.setEncoding('utf8').on('data', (d: string) => keep(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => keep(d));
    const timer = setTimeout(() => {
      timedOut = true;
      log.warn(`the pre-upgrade hook did not finish within ${hook.timeoutMs} ms: killing it`, { hook: hook.path });
      killGroup();
    }, hook.timeoutMs);
    void stop.then(killGroup);
    let settled = false;
    const done = (exitCode: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // a hook that exited and left children behind in its group: they are not left to run past the switch
      killGroup();
      resolve({ exitCode, signal, timedOut, durationMs: Date.now() - start, lastLines: [...lines] });
    };
    child.on('error', (err) => {
      keep(`cannot run ${hook.path}: ${err.message}`);
      done(null, null);
    });
    child.on('close', (code, signal) => done(code, signal));
  });
}

/** A hook a killed launcher left running (its group, found by the plan and home in its environment) is stopped. */
export function stopOrphanHook(pid: number | undefined, home: string, plan: string, log: Logger): void {
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return;
  let environ: string[];
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return;
  }
  if (!environ.includes(`BABY_HOME=${home}`) || !environ.includes(`BABY_PLAN_NAME=${plan}`)) return;
  log.warn(`the pre-upgrade hook ${pid} a previous launcher started still runs: stopping it`, { pid, plan });
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

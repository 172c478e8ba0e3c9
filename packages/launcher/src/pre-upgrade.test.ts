// LCH-10: the pre-upgrade hook at the halt: its environment, retries, timeout, the report, the refusal to switch
// when it keeps failing, and a launcher SIGKILLed mid-hook that resumes it.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, releaseTarball, signedManifest, writeGov } from './fixtures.testutil.ts';
import {
  cleanUp,
  install,
  journal,
  killGroup,
  onCleanUp,
  report,
  reportWith,
  scenario,
  server,
  waitFor,
} from './harness.testutil.ts';
import type { PreUpgradeHook } from './hook.ts';
import type { LauncherReport } from './report.ts';

afterEach(cleanUp);

const CHILD = fileURLToPath(new URL('./crash-child.testutil.ts', import.meta.url));

/** An executable shell script, outside the home; it runs with the home as its working directory. */
function hookScript(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'baby-hook-'));
  onCleanUp(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'hook.sh');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function hook(path: string, o: Partial<PreUpgradeHook> = {}): PreUpgradeHook {
  return { path, retries: 2, timeoutMs: 10_000, retryDelayMs: 50, ...o };
}

/** Runs (a zombie no one has reaped yet, as an orphan under a container's init can stay, has stopped running). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function current(home: string): string {
  return readFileSync(join(home, 'launcher', 'current'), 'utf8').trim();
}

/** Plan v2 at height 20, release 2.0.0 served; the old release halts once SignalReady went out (it is prepared). */
async function plan() {
  const tar = await releaseTarball('2.0.0', 'node', ['v2']);
  const srv = await server(tar);
  return {
    tar,
    srv,
    gov: () => ({ signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' }),
  };
}

describe('pre-upgrade hook (LCH-10)', () => {
  it('runs between the halt and the switch with the plan in its environment, retries a failure, and reports it', async () => {
    const { gov } = await plan();
    // Fails its first attempt, passes the second; records what it saw and whether anything had switched yet.
    const path = hookScript(
      [
        'n=$(cat hook-count 2>/dev/null || echo 0); n=$((n+1)); echo $n > hook-count',
        'env | grep ^BABY_ | sort > hook-env-$n',
        'cat launcher/current >> hook-env-$n; [ -e ran-2.0.0 ] && echo new-release-ran >> hook-env-$n',
        'echo "attempt $n of plan $BABY_PLAN_NAME"',
        '[ "$n" -ge 2 ]',
      ].join('\n'),
    );
    const s = await scenario(gov, { launcher: { preUpgradeHook: hook(path) } });
    const r = (await reportWith(s.home, 'upgraded', 'the switch')) as LauncherReport;
    expect(r.preUpgrade).toMatchObject({ hook: path, ok: true, attempts: 2, exitCode: 0, timedOut: false });
    expect(r.preUpgrade?.lastLines).toEqual(['attempt 2 of plan v2']);
    expect(r.preUpgrade?.totalMs).toBeGreaterThanOrEqual(r.preUpgrade?.durationMs ?? 0);
    const env = readFileSync(join(s.home, 'hook-env-1'), 'utf8');
    for (const line of [
      `BABY_HOME=${s.home}`,
      `BABY_DATA_DIR=${join(s.home, 'data')}`,
      'BABY_PLAN_NAME=v2',
      'BABY_PLAN_HEIGHT=20',
      'BABY_LAST_HEIGHT=19',
      'BABY_FROM_VERSION=1.0.0',
      'BABY_TO_VERSION=2.0.0',
      `BABY_TO_RELEASE_DIR=${join(s.home, 'launcher', 'releases', '2.0.0')}`,
      'BABY_PRE_UPGRADE_ATTEMPT=1',
    ]) {
      expect(env).toContain(line);
    }
    // Both attempts ran at the halt, before the switch: still on 1.0.0, the new release not started.
    expect(env).toContain('\n1.0.0\n');
    expect(env).not.toContain('new-release-ran');
    expect(readFileSync(join(s.home, 'hook-env-2'), 'utf8')).toContain('BABY_PRE_UPGRADE_ATTEMPT=2');
    expect(readFileSync(join(s.home, 'hook-env-2'), 'utf8')).not.toContain('new-release-ran');
    expect(current(s.home)).toBe('2.0.0');
  });

  it('kills a hook that hangs at its timeout, with what it started, and stays halted on the old release', async () => {
    const { gov } = await plan();
    // Starts a child of its own and waits on it: the timeout must take the whole group, not the shell alone.
    const path = hookScript('echo "snapshotting"\nsleep 600 &\necho $! >> hook-sleepers\nwait');
    const s = await scenario(gov, { launcher: { preUpgradeHook: hook(path, { retries: 1, timeoutMs: 300 }) } });
    const r = (await reportWith(s.home, 'refused', 'the refusal')) as LauncherReport;
    expect(r).toMatchObject({ code: 'LCH_PRE_UPGRADE_FAILED', plan: 'v2' });
    expect(r.preUpgrade).toMatchObject({ ok: false, attempts: 2, timedOut: true, signal: 'SIGKILL' });
    expect(r.preUpgrade?.lastLines).toEqual(['snapshotting']);
    await waitFor('the halt', () => s.launcher.phase === 'halted');
    expect(current(s.home)).toBe('1.0.0');
    expect(existsSync(join(s.home, 'ran-2.0.0'))).toBe(false);
    expect(existsSync(join(s.home, 'launcher', 'backups', 'v2'))).toBe(false);
    expect(journal(s.home)?.state).toBe('pre-upgrade');
    const sleepers = readFileSync(join(s.home, 'hook-sleepers'), 'utf8').trim().split('\n').map(Number);
    expect(sleepers).toHaveLength(2);
    await waitFor('the killed sleepers to be gone', () => sleepers.every((pid) => !alive(pid)));
  });

  it('a launcher SIGKILLed mid-hook stops the orphaned hook when it restarts, runs it again, and switches', async () => {
    const { tar, srv } = await plan();
    const { home } = await makeHome();
    onCleanUp(() => rm(home, { recursive: true, force: true }));
    await install(home, await releaseTarball('1.0.0'));
    writeGov(home, { signed: signedManifest(tar), planHeight: 20n, urls: [srv.url], haltWhen: 'submitted-txs' });
    // The first run blocks (a snapshot in progress) until killed; the second passes.
    const path = hookScript(
      ['if [ ! -e hook-first ]; then echo $$ > hook-first; sleep 600; exit 1; fi', 'echo second run; exit 0'].join(
        '\n',
      ),
    );
    const first = startLauncher(home, path);
    const j = await waitFor('the hook to run', () => {
      const state = journal(home);
      return state?.state === 'pre-upgrade' && state.hookPid !== undefined && existsSync(join(home, 'hook-first'))
        ? state
        : undefined;
    });
    await killGroup(first);
    // The hook ran in its own group: the launcher's death left it running, as a crash without systemd would.
    const orphan = j.hookPid as number;
    expect(alive(orphan)).toBe(true);
    const second = startLauncher(home, path);
    onCleanUp(() => killGroup(second));
    const r = (await reportWith(home, 'upgraded', 'the switch after the restart')) as LauncherReport;
    expect(alive(orphan)).toBe(false);
    expect(r.preUpgrade).toMatchObject({ ok: true, attempts: 2, exitCode: 0, lastLines: ['second run'] });
    expect(current(home)).toBe('2.0.0');
    expect(report(home)?.status).toBe('upgraded');
  });
});

function startLauncher(home: string, hookPath: string): ChildProcess {
  return spawn(process.execPath, [CHILD, home, hookPath], { stdio: 'ignore', detached: true });
}

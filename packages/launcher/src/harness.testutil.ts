/**
 * The launcher tests' harness: a home running a fake release under a Launcher with the plan a GovFixture
 * describes, an artifact server, and waits on the report file. Everything started is undone by `cleanUp()`.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { UpgradeReport } from '@babychain/upgrade';
import { loggerTo } from '@babychain/util';
import { installArtifact } from './commands.ts';
import {
  type ArtifactServer,
  artifactServer,
  type GovFixture,
  makeHome,
  releaseTarball,
  writeGov,
} from './fixtures.testutil.ts';
import type { SwitchJournal } from './journal.ts';
import { Launcher, type LauncherOptions } from './launcher.ts';

const cleanups: (() => Promise<void>)[] = [];

/** Stops and removes what the harness started, newest first; call it in afterEach. */
export async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** Runs `fn` at cleanUp(). */
export function onCleanUp(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The switch journal (LCH-7) as it is on disk now, or undefined while there is none (or it is half written). */
export function journal(home: string): SwitchJournal | undefined {
  try {
    return JSON.parse(readFileSync(join(home, 'launcher', 'switch.json'), 'utf8')) as SwitchJournal;
  } catch {
    return undefined;
  }
}

/** SIGKILL to a launcher started detached and the node it runs (one group, as a supervisor kills a service). */
export async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
}

export function report(home: string): UpgradeReport | undefined {
  const file = join(home, 'launcher', 'last-upgrade.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as UpgradeReport;
  } catch {
    return undefined;
  }
}

/** The report once it has `status`. */
export function reportWith<S extends UpgradeReport['status']>(
  home: string,
  status: S,
  what: string,
  timeoutMs?: number,
): Promise<Extract<UpgradeReport, { status: S }>> {
  return waitFor(
    what,
    () => {
      const r = report(home);
      return r?.status === status ? (r as Extract<UpgradeReport, { status: S }>) : undefined;
    },
    timeoutMs,
  );
}

export async function install(home: string, tar: Uint8Array): Promise<void> {
  const file = join(home, `release-${Date.now()}.tar.gz`);
  writeFileSync(file, tar);
  await installArtifact(home, file);
}

export interface Scenario {
  home: string;
  launcher: Launcher;
  logs: string[];
  output: string[];
  done: Promise<number>;
}

export interface ScenarioOptions {
  /** the node's p2p.bootstrap */
  readonly bootstrap?: readonly string[];
  /** the release installed and run at first (default 1.0.0) */
  readonly running?: string;
  /** where the home is made (default the OS temp directory) */
  readonly parent?: string;
  /** launcher options beyond the harness's */
  readonly launcher?: Partial<LauncherOptions>;
  /** runs on the home before the launcher starts */
  readonly setUp?: (home: string) => void;
}

/** A home running a release (1.0.0) under a launcher, with the plan `gov` describes. */
export async function scenario(gov: (home: string) => GovFixture, o: ScenarioOptions = {}): Promise<Scenario> {
  const { home } = await makeHome(o.bootstrap ?? [], o.parent);
  await install(home, await releaseTarball(o.running ?? '1.0.0'));
  writeGov(home, gov(home));
  o.setUp?.(home);
  const logs: string[] = [];
  const output: string[] = [];
  const launcher = new Launcher({
    home,
    pollMs: 100,
    switchTimeoutMs: 10_000,
    peerWaitMs: 5000,
    log: loggerTo((level, message, ctx) => logs.push(`${level} ${message} ${JSON.stringify(ctx ?? {})}`)),
    output: (line) => output.push(line),
    ...o.launcher,
  });
  const done = launcher.run();
  cleanups.push(async () => {
    await launcher.stop();
    await done;
    await rm(home, { recursive: true, force: true });
  });
  return { home, launcher, logs, output, done };
}

export async function server(bytes: Uint8Array): Promise<ArtifactServer> {
  const s = await artifactServer(bytes);
  cleanups.push(() => s.close());
  return s;
}

export function releases(home: string): string[] {
  return readdirSync(join(home, 'launcher', 'releases')).sort();
}

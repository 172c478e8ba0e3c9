// LCH-7 acceptance: a launcher SIGKILLed (with the node it runs, as a supervisor kills a service's group) at random
// points of preparing, backing up, switching, watching and rolling back, then started again, always ends in a true
// state: upgraded on the new release's data, or rolled back on the pre-switch data with the guard never behind what
// was signed; and its report says which. Runs: BABYCHAIN_LAUNCHER_CRASH_RUNS (default 10), in two lanes.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '@babychain/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { lastSigned } from './fake-guard.testutil.ts';
import {
  type ArtifactServer,
  artifactServer,
  makeHome,
  releaseTarball,
  signedManifest,
  writeGov,
} from './fixtures.testutil.ts';
import { install, journal, killGroup, report, waitFor } from './harness.testutil.ts';

const RUNS = Number(process.env['BABYCHAIN_LAUNCHER_CRASH_RUNS'] ?? 10);
const LANES = 2;
const PLAN_HEIGHT = 8n;
const CHILD = fileURLToPath(new URL('./crash-child.testutil.ts', import.meta.url));
/** Where a kill is aimed: before any switch step, or just after the journal shows one. */
const TARGETS = ['prepare', 'backing-up', 'switched', 'watching', 'rolling-back'] as const;
type Target = (typeof TARGETS)[number];

const random = new SeededRandom(0x5eed);

const servers: ArtifactServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** What each launcher printed, to say why when a run does not end. */
const outputs = new WeakMap<ChildProcess, string[]>();

function startLauncher(home: string): ChildProcess {
  const child = spawn(process.execPath, [CHILD, home], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  child.stdout?.on('data', (d: Buffer) => lines.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => lines.push(d.toString()));
  outputs.set(child, lines);
  return child;
}

/** A home on release 1.0.0, plan v2 at PLAN_HEIGHT, nodes that sign through a guard, and a data/ worth copying. */
async function setUp(lane: number, failing: boolean): Promise<string> {
  const { home } = await makeHome();
  await install(home, await releaseTarball('1.0.0'));
  const tar = await releaseTarball('2.0.0', failing ? 'sign-then-crash' : 'node', ['v2']);
  const srv = await artifactServer(tar);
  servers.push(srv);
  writeGov(home, { signed: signedManifest(tar), planHeight: PLAN_HEIGHT, urls: [srv.url], signs: true });
  const state = join(home, 'data', 'state');
  mkdirSync(state, { recursive: true });
  for (let i = 0; i < 120; i++)
    writeFileSync(join(state, `${String(100 + i).padStart(6, '0')}.log`), `lane ${lane} ${i}`);
  return home;
}

/** Kills the launcher at `target` (a random few ms after the journal shows it), or never if the switch ends first. */
async function killAt(home: string, child: ChildProcess, target: Target): Promise<string> {
  const deadline = Date.now() + 20_000;
  const startedAt = Date.now();
  const early = 100 + random.int(700);
  for (;;) {
    const state = journal(home)?.state;
    const hit = target === 'prepare' ? Date.now() - startedAt >= early || state !== undefined : state === target;
    const over = state === 'upgraded' || state === 'rolled-back';
    if (hit || over || Date.now() > deadline) {
      // A rollback takes milliseconds: it is killed the moment it shows.
      const jitter = target === 'rolling-back' ? 0 : random.int(15);
      if (hit && !over && jitter > 0) await new Promise((resolve) => setTimeout(resolve, jitter));
      const at = journal(home)?.state ?? 'no journal';
      await killGroup(child);
      return at;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The invariants of LCH-7 once the restarted launcher has finished the switch. */
async function audit(home: string, failing: boolean): Promise<void> {
  const j = journal(home);
  const r = report(home);
  const current = readFileSync(join(home, 'launcher', 'current'), 'utf8').trim();
  const height = BigInt(readFileSync(join(home, 'data', 'height'), 'utf8'));
  if (failing) {
    expect(j?.state).toBe('rolled-back');
    expect(r?.status).toBe('rolled-back');
    expect(current).toBe('1.0.0');
    // The pre-switch data: the old release's height and files, nothing of the failed release's.
    expect(height).toBe(PLAN_HEIGHT - 1n);
    expect(existsSync(join(home, 'data', 'poison'))).toBe(false);
  } else {
    expect(j?.state).toBe('upgraded');
    expect(r?.status).toBe('upgraded');
    expect(current).toBe('2.0.0');
    expect(height).toBeGreaterThanOrEqual(PLAN_HEIGHT);
  }
  expect(existsSync(join(home, 'data', 'state', '000219.log'))).toBe(true);
  // The guard is never behind anything any release signed.
  const signed = readFileSync(join(home, 'signed'), 'utf8').trim().split('\n');
  const highest = BigInt(Math.max(...signed.map((l) => Number(l.split(' ')[1]))));
  const guard = await lastSigned(join(home, 'data'));
  expect(guard?.height).toBeGreaterThanOrEqual(failing ? highest : PLAN_HEIGHT);
  // Nothing half-made is left to be trusted or to fill the disk.
  expect(readdirSync(join(home, 'launcher', 'downloads'))).toEqual([]);
  expect(existsSync(join(home, 'launcher', 'backups', 'v2', 'data.partial'))).toBe(false);
}

describe('a launcher killed at any instant of a switch (LCH-7)', () => {
  it(`LCH-7: resumes to a true state after ${RUNS} SIGKILLs spread over prepare, backup, switch, watch and rollback`, async () => {
    const covered = new Map<string, number>();
    const lane = async (l: number, runs: number) => {
      for (let i = 0; i < runs; i++) {
        const failing = random.bool();
        // A failing release is the only way to a rollback: aim half of those runs at it.
        const targets = TARGETS.filter((t) => t !== 'rolling-back');
        const target = failing && random.bool() ? 'rolling-back' : (targets[random.int(targets.length)] as Target);
        const home = await setUp(l, failing);
        const first = startLauncher(home);
        const at = await killAt(home, first, target);
        covered.set(at, (covered.get(at) ?? 0) + 1);
        const second = startLauncher(home);
        try {
          await waitFor(
            'the restarted launcher to finish the switch',
            () => {
              const state = journal(home)?.state;
              const done = state === 'upgraded' || (state === 'rolled-back' && report(home)?.status === 'rolled-back');
              return (
                done &&
                (state === 'rolled-back' || BigInt(readFileSync(join(home, 'data', 'height'), 'utf8')) >= PLAN_HEIGHT)
              );
            },
            40_000,
          ).catch((err: unknown) => {
            const said = (c: ChildProcess) => (outputs.get(c) ?? []).join('');
            console.log(
              `killed at ${at}; journal ${JSON.stringify(journal(home))}; report ${JSON.stringify(report(home))}`,
            );
            console.log(`first launcher:\n${said(first)}\nrestarted launcher:\n${said(second)}`);
            throw err;
          });
          await killGroup(second);
          await audit(home, failing);
        } finally {
          await killGroup(second);
          rmSync(home, { recursive: true, force: true });
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: LANES }, (_, l) => lane(l, Math.ceil(RUNS / LANES))));
    const summary = [...covered].map(([state, n]) => `${state} ${n}`).join(', ');
    console.log(
      `[launcher crash] ${RUNS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s, by journal state at the kill: ${summary}`,
    );
    expect(covered.size).toBeGreaterThanOrEqual(3);
  }, 120_000);
});

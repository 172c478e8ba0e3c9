/** `baby-launcher install` and `status`: what an operator does by hand, and what they see. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256, toHex } from '@babychain/codec';
import { currentPlatform, readUpgradeReport } from '@babychain/upgrade';
import { writeFileDurable } from '@babychain/util';
import { addedUpgrades } from './added.ts';
import { readJournal } from './journal.ts';
import { ensureLayout, launcherPaths, readCurrent, writeCurrent } from './layout.ts';
import { installTarball, type Release, readRelease, registerSourceRelease } from './release.ts';
import { readPrepared } from './report.ts';

/**
 * `install --artifact`: unpacks a release tarball chosen by the operator (it is trusted as such: no manifest is
 * involved), keeps a copy under `artifacts/` so peers can fetch it, and makes it current.
 */
export async function installArtifact(home: string, tarball: string): Promise<Release> {
  const paths = launcherPaths(home);
  ensureLayout(paths);
  const release = await installTarball(paths, tarball);
  const bytes = readFileSync(tarball);
  const stored = join(paths.artifacts, toHex(sha256(bytes)));
  if (!existsSync(stored)) writeFileDurable(stored, bytes);
  writeCurrent(paths, release.info.version);
  return release;
}

/** `install --source`: registers a checkout as release `version` and makes it current. */
export function installSource(home: string, repoRoot: string, version: string): Release {
  const paths = launcherPaths(home);
  ensureLayout(paths);
  const release = registerSourceRelease(paths, repoRoot, version, currentPlatform());
  writeCurrent(paths, version);
  return release;
}

export interface LauncherStatus {
  readonly home: string;
  readonly current: string | null;
  readonly releases: readonly string[];
  readonly prepared: unknown;
  readonly lastUpgrade: unknown;
  /** LCH-7: the switch in progress, or the last one */
  readonly switch: unknown;
  /** LCH-9: artifacts registered by hand with add-upgrade */
  readonly added: readonly { plan: string; sha256: string; size: number }[];
}

export function launcherStatus(home: string): LauncherStatus {
  const paths = launcherPaths(home);
  const releases = existsSync(paths.releases)
    ? readdirSync(paths.releases).filter((v) => {
        try {
          readRelease(join(paths.releases, v));
          return true;
        } catch {
          return false;
        }
      })
    : [];
  return {
    home,
    current: readCurrent(paths) ?? null,
    releases,
    prepared: readPrepared(paths) ?? null,
    lastUpgrade: readUpgradeReport(paths.report) ?? null,
    switch: readJournal(paths) ?? null,
    added: addedUpgrades(paths).map(({ plan, sha256, size }) => ({ plan, sha256, size })),
  };
}

/**
 * `baby-launcher add-upgrade` (LCH-9): a release artifact registered by hand for a plan name, for a validator host
 * without internet. It is only one more source (the first one tried, LCH-3): when the plan is scheduled, or a
 * syncing node halts at it, its bytes are checked exactly as downloaded ones (REL-4 against the plan's decision,
 * REL-5), so registering a file never makes it trusted.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '@babychain/codec';
import { writeFileDurable } from '@babychain/util';
import { LauncherErrorCode, launcherError } from './errors.ts';
import { ensureLayout, type LauncherPaths, launcherPaths } from './layout.ts';

/** UPG-1's plan names: the file is named after the plan, so nothing else may reach the path. */
const PLAN_NAME = /^[a-z0-9._-]{1,64}$/;
const SUFFIX = '.tar.gz';

/** Where the artifact registered for `plan` is kept (LCH-1: `launcher/added/<plan>.tar.gz`). */
export function addedArtifactPath(paths: LauncherPaths, plan: string): string {
  return join(paths.added, `${plan}${SUFFIX}`);
}

export interface AddedUpgrade {
  readonly plan: string;
  readonly path: string;
  /** lowercase hex SHA-256 and size of the registered bytes, for the operator to compare with the manifest */
  readonly sha256: string;
  readonly size: number;
}

/**
 * Registers `tarball` for `plan`. Another artifact registered for the plan is replaced only with `force`: two
 * operators (or two runs of a script) must not silently overwrite each other's choice.
 */
export function addUpgrade(home: string, plan: string, tarball: string, force = false): AddedUpgrade {
  if (!PLAN_NAME.test(plan) || plan === '.' || plan === '..') {
    throw launcherError(LauncherErrorCode.BAD_USAGE, `"${plan}" is not a plan name (1 to 64 of a-z 0-9 . _ -)`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(tarball);
  } catch (err) {
    throw launcherError(LauncherErrorCode.BAD_USAGE, `cannot read ${tarball}: ${(err as Error).message}`);
  }
  if (bytes.length === 0) throw launcherError(LauncherErrorCode.BAD_USAGE, `${tarball} is empty`);
  const paths = launcherPaths(home);
  ensureLayout(paths);
  const path = addedArtifactPath(paths, plan);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (existsSync(path) && !force && digestOf(path) !== sha256) {
    throw launcherError(
      LauncherErrorCode.BAD_USAGE,
      `another artifact is registered for plan ${plan} (${digestOf(path)}); add --force to replace it`,
    );
  }
  // Durable (temp, fsync, rename): a launcher reading it mid-write would otherwise see a short file and refuse it.
  writeFileDurable(path, bytes);
  return { plan, path, sha256, size: bytes.length };
}

/** The registered artifacts, for `status`. */
export function addedUpgrades(paths: LauncherPaths): AddedUpgrade[] {
  if (!existsSync(paths.added)) return [];
  return readdirSync(paths.added)
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => {
      const path = join(paths.added, name);
      return { plan: name.slice(0, -SUFFIX.length), path, sha256: digestOf(path), size: statSync(path).size };
    });
}

function digestOf(path: string): string {
  return toHex(new Uint8Array(createHash('sha256').update(readFileSync(path)).digest()));
}

/**
 * Releases on disk (LCH-1): `releases/<version>/release.json` names the entry script. A release comes from a
 * verified artifact, unpacked here with only regular files and directories inside its own folder, or is a source
 * checkout registered by an operator for a devnet.
 */
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { BabyError, isBabyError } from '@babychain/codec';
import {
  type ReleaseInfo as ArtifactReleaseInfo,
  checkReleaseInfo,
  MAX_UNPACKED_BYTES,
  parseReleaseInfo,
  parseVersion,
  RELEASE_INFO_FILE,
  ReleaseErrorCode,
} from '@babychain/upgrade';
import { fsyncPath } from '@babychain/util';
import { extract } from 'tar-stream';
import { LauncherErrorCode, launcherError } from './errors.ts';
import { type LauncherPaths, writeJsonDurable } from './layout.ts';

/** REL-5's release.json plus the launcher's own key: `source` marks a checkout registered with `install --source`. */
export interface InstalledReleaseInfo extends ArtifactReleaseInfo {
  readonly source?: boolean;
}

export interface Release {
  readonly dir: string;
  readonly info: InstalledReleaseInfo;
  /** absolute path of the script to run */
  readonly entryPath: string;
}

export function releaseDir(paths: LauncherPaths, version: string): string {
  return join(paths.releases, version);
}

/** Reads and checks `<dir>/release.json`; LCH_BAD_RELEASE when it is missing or wrong. */
export function readRelease(dir: string): Release {
  const file = join(dir, RELEASE_INFO_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw launcherError(LauncherErrorCode.BAD_RELEASE, `${file} is missing: ${(err as Error).message}`);
  }
  let parsed: ArtifactReleaseInfo;
  try {
    parsed = parseReleaseInfo(text);
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw new BabyError(err.code, `${file}: ${err.message}`, { ...err.meta, file }, { cause: err });
  }
  const { entry } = parsed;
  // parseReleaseInfo accepted the text, so it is a JSON object.
  const isSource = (JSON.parse(text) as { source?: unknown }).source === true;
  // Only a release the operator registered from source may point outside its folder.
  const entryPath = isSource && isAbsolute(entry) ? entry : resolve(dir, entry);
  if (!isSource && !inside(dir, entryPath)) {
    throw launcherError(LauncherErrorCode.BAD_RELEASE, `${file}: entry "${entry}" is outside the release`);
  }
  if (!existsSync(entryPath) || !statSync(entryPath).isFile()) {
    throw launcherError(LauncherErrorCode.BAD_RELEASE, `${file}: entry ${entryPath} is not a file`);
  }
  return {
    dir,
    entryPath,
    info: { ...parsed, ...(isSource ? { source: true } : {}) },
  };
}

function inside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** What a verified artifact must unpack to (REL-1, REL-5); absent for a tarball an operator installs by hand. */
export interface ExpectedRelease {
  /** the manifest's version and source commit, the artifact's platform, the plan's app version */
  readonly info: Omit<ArtifactReleaseInfo, 'entry'>;
  /** the artifact's declared unpacked_size: the exact length of its gunzipped tar stream */
  readonly unpackedSize: bigint;
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Unpacks a gzip'd tar into `dest` (which must not exist). Refuses, with LCH_BAD_RELEASE, any entry that is not a
 * regular file or a directory (links could point anywhere), absolute names, names with `..`, and duplicates. The
 * gunzipped stream is counted as it flows: it stops at the first byte past `unpackedSize` and must end exactly on
 * it (REL_WRONG_UNPACKED_SIZE). A full disk is LCH_DISK_FULL, which the launcher retries.
 */
export async function unpackTarball(tarball: string, dest: string, unpackedSize?: bigint): Promise<void> {
  mkdirSync(dest, { recursive: false });
  const limit = unpackedSize ?? BigInt(MAX_UNPACKED_BYTES);
  let unpacked = 0n;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      unpacked += BigInt(chunk.length);
      if (unpacked > limit) done(wrongUnpackedSize(`passed ${limit} bytes`, unpacked, limit));
      else done(null, chunk);
    },
  });
  const ex = extract();
  const feeding = pipeline(createReadStream(tarball), createGunzip(), counter, ex);
  // Awaited below; without this an error of the stream (the counter's) would count as unhandled until then.
  feeding.catch(() => {});
  try {
    for await (const entry of ex) {
      const { name, type } = entry.header;
      const parts = name.split('/').filter((p) => p !== '' && p !== '.');
      if (name.startsWith('/') || name.includes('\\') || name.includes('\0') || parts.includes('..')) {
        throw launcherError(LauncherErrorCode.BAD_RELEASE, `the archive entry "${name}" leaves the release folder`, {
          entry: name,
        });
      }
      const target = join(dest, ...parts);
      if (type === 'directory') {
        if (parts.length > 0) mkdirSync(target, { recursive: true });
        entry.resume();
      } else if (type === 'file' || type === 'contiguous-file') {
        if (parts.length === 0) throw launcherError(LauncherErrorCode.BAD_RELEASE, 'an archive file has no name');
        mkdirSync(dirname(target), { recursive: true });
        // 0644 or 0755 (REL-6): no setuid, setgid or sticky bits from an archive.
        const mode = (entry.header.mode ?? 0o644) & 0o111 ? 0o755 : 0o644;
        await pipeline(entry, createWriteStream(target, { flags: 'wx', mode }));
      } else {
        throw launcherError(
          LauncherErrorCode.BAD_RELEASE,
          `the archive entry "${name}" is a ${type ?? 'unknown type'}; only files and directories are unpacked`,
          { entry: name, type },
        );
      }
    }
    await feeding;
    if (unpackedSize !== undefined && unpacked !== unpackedSize) {
      throw wrongUnpackedSize(`ended at ${unpacked} bytes`, unpacked, unpackedSize);
    }
  } catch (err) {
    ex.destroy();
    // The stream's own error (the counter's REL code, the disk's errno) says more than what it broke downstream.
    const cause = await feeding.then(
      () => undefined,
      (e: unknown) => e,
    );
    rmSync(dest, { recursive: true, force: true });
    throw unpackFailure(isBabyError(cause) ? cause : err);
  }
}

function wrongUnpackedSize(what: string, got: bigint, expected: bigint): BabyError {
  return new BabyError(
    ReleaseErrorCode.WRONG_UNPACKED_SIZE,
    `the artifact's tar stream ${what}; the manifest says it is ${expected} bytes`,
    { rule: 'REL-5', unpacked: got.toString(), expected: expected.toString() },
  );
}

function unpackFailure(err: unknown): BabyError {
  if (isBabyError(err)) return err;
  const errno = (err as NodeJS.ErrnoException).code;
  if (errno !== undefined && DISK_FULL.has(errno)) {
    return launcherError(LauncherErrorCode.DISK_FULL, `no room to unpack the release: ${(err as Error).message}`, {
      errno,
    });
  }
  // Another error of this machine (EIO, EMFILE, EACCES on downloads/) says nothing about the release: tried again.
  if (errno !== undefined && /^E[A-Z]+$/.test(errno)) {
    return launcherError(LauncherErrorCode.IO_FAILED, `cannot unpack the release here: ${(err as Error).message}`, {
      errno,
    });
  }
  return launcherError(LauncherErrorCode.BAD_RELEASE, `the archive cannot be unpacked: ${(err as Error).message}`);
}

/**
 * Unpacks `tarball` beside the releases, checks its release.json (against `expected` when the artifact comes from a
 * manifest: REL-5), then moves it into `releases/<version>/` in one rename. Nothing appears under `releases/` unless
 * all of it passed, and the release that runs is never replaced.
 */
export async function installTarball(
  paths: LauncherPaths,
  tarball: string,
  expected?: ExpectedRelease,
  running?: string,
): Promise<Release> {
  const staging = join(paths.downloads, `unpack-${process.pid}-${Date.now()}`);
  rmSync(staging, { recursive: true, force: true });
  await unpackTarball(tarball, staging, expected?.unpackedSize);
  let release: Release;
  try {
    if (!existsSync(join(staging, RELEASE_INFO_FILE))) {
      throw new BabyError(ReleaseErrorCode.BAD_RELEASE_INFO, `the artifact has no ${RELEASE_INFO_FILE}`, {
        rule: 'REL-5',
      });
    }
    release = readRelease(staging);
    if (expected !== undefined) checkReleaseInfo(release.info, expected.info);
    if (release.info.source === true) {
      throw launcherError(LauncherErrorCode.BAD_RELEASE, 'an artifact cannot be a source release');
    }
    if (release.info.version === running) {
      throw launcherError(
        LauncherErrorCode.BAD_RELEASE,
        `release ${running} is the one running; the launcher never replaces it`,
        { version: running },
      );
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const dir = releaseDir(paths, release.info.version);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  fsyncPath(paths.releases);
  return readRelease(dir);
}

/** `install --source`: a release whose entry is the checkout's CLI, run from source by Node's type stripping. */
export function registerSourceRelease(
  paths: LauncherPaths,
  repoRoot: string,
  version: string,
  platform: string,
): Release {
  parseVersion(version);
  const entry = resolve(repoRoot, 'packages', 'cli', 'src', 'main.ts');
  if (!existsSync(entry)) {
    throw launcherError(LauncherErrorCode.BAD_USAGE, `${entry} does not exist: --source must be the repository root`);
  }
  const dir = releaseDir(paths, version);
  mkdirSync(dir, { recursive: true });
  const info: InstalledReleaseInfo = { version, sourceCommit: '', platform, appVersion: 0, entry, source: true };
  writeJsonDurable(join(dir, RELEASE_INFO_FILE), info);
  return readRelease(dir);
}

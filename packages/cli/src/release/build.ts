/** `baby release build`: a source tree in, a reproducible artifact (REL-5, REL-6) out. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BabyError, sha256, toHex } from '@babychain/codec';
import {
  currentPlatform,
  encodeReleaseInfo,
  MAX_ARTIFACT_BYTES,
  parseVersion,
  RELEASE_INFO_FILE,
  type ReleaseInfo,
} from '@babychain/upgrade';
import { CliErrorCode } from '../errors.ts';
import { bundleCli, bundleConsoleFiles, RELEASE_ENTRY } from './bundle.ts';
import { packArtifact } from './pack.ts';
import { sourceCommit } from './source.ts';

/** The repository this CLI runs from: its node_modules are the lockfile in force. */
export const OWN_REPOSITORY = resolve(import.meta.dirname, '..', '..', '..', '..');

export interface BuildOptions {
  readonly source: string;
  readonly out: string;
  /** default: the source tree's packages/node/package.json version */
  readonly version?: string;
  readonly appVersion?: number;
  readonly allowDirty?: boolean;
  /** default: OWN_REPOSITORY */
  readonly depsRoot?: string;
}

export interface BuiltRelease {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly version: string;
  readonly platform: string;
  readonly sourceCommit: string;
  readonly appVersion: number;
}

export async function buildRelease(options: BuildOptions): Promise<BuiltRelease> {
  const source = resolve(options.source);
  const commit = sourceCommit(source, options.allowDirty === true);
  const version = options.version ?? nodePackageVersion(source);
  parseVersion(version);
  const appVersion = options.appVersion ?? 0;
  const platform = currentPlatform();
  const bundle = { source, depsRoot: resolve(options.depsRoot ?? OWN_REPOSITORY), version, platform };
  const files = [...(await bundleCli(bundle)), ...(await bundleConsoleFiles(bundle))];
  const info: ReleaseInfo = { version, sourceCommit: commit, platform, appVersion, entry: RELEASE_ENTRY };
  const bytes = await packArtifact([
    { path: RELEASE_INFO_FILE, bytes: encodeReleaseInfo(info), executable: false },
    ...files,
  ]);
  if (bytes.length > MAX_ARTIFACT_BYTES) {
    throw new BabyError(
      CliErrorCode.BUNDLE_FAILED,
      `the artifact is ${bytes.length} bytes, over the ${MAX_ARTIFACT_BYTES} cap`,
    );
  }
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, out);
  return {
    path: out,
    sha256: toHex(sha256(bytes)),
    size: bytes.length,
    version,
    platform,
    sourceCommit: commit,
    appVersion,
  };
}

function nodePackageVersion(source: string): string {
  const file = join(source, 'packages', 'node', 'package.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_SOURCE, `cannot read the version from ${file}: ${(err as Error).message}`);
  }
}

/** REL-5's `release.json`: what an artifact is, read back by `baby release manifest` and by a launcher. */
import { BabyError } from '@babychain/codec';
import { parseVersion } from '@babychain/upgrade';
import { CliErrorCode } from '../errors.ts';
import { readArtifact } from './pack.ts';

export const RELEASE_INFO_FILE = 'release.json';

export interface ReleaseInfo {
  readonly version: string;
  readonly sourceCommit: string;
  readonly platform: string;
  readonly appVersion: number;
  /** the script to run, relative to the unpacked release */
  readonly entry: string;
}

/** The file's bytes, keys in REL-5's order so the artifact stays reproducible. */
export function encodeReleaseInfo(info: ReleaseInfo): Uint8Array {
  const { version, sourceCommit, platform, appVersion, entry } = info;
  return new TextEncoder().encode(
    `${JSON.stringify({ version, sourceCommit, platform, appVersion, entry }, null, 2)}\n`,
  );
}

/** The release.json of an artifact's bytes; CLI_BAD_ARTIFACT when it is missing or malformed. */
export async function releaseInfoOf(artifact: Uint8Array): Promise<ReleaseInfo> {
  const file = (await readArtifact(artifact)).find((f) => f.path === RELEASE_INFO_FILE);
  if (file === undefined) throw new BabyError(CliErrorCode.BAD_ARTIFACT, `the artifact has no ${RELEASE_INFO_FILE}`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(file.bytes));
  } catch {
    throw new BabyError(CliErrorCode.BAD_ARTIFACT, `${RELEASE_INFO_FILE} is not JSON`);
  }
  const r = (raw ?? {}) as Record<string, unknown>;
  const { version, sourceCommit, platform, appVersion, entry } = r;
  if (
    typeof version !== 'string' ||
    typeof sourceCommit !== 'string' ||
    typeof platform !== 'string' ||
    typeof appVersion !== 'number' ||
    !Number.isSafeInteger(appVersion) ||
    typeof entry !== 'string'
  ) {
    throw new BabyError(
      CliErrorCode.BAD_ARTIFACT,
      `${RELEASE_INFO_FILE} lacks one of version, sourceCommit, platform, appVersion, entry`,
    );
  }
  parseVersion(version);
  return { version, sourceCommit, platform, appVersion, entry };
}

/** An artifact's REL-5 `release.json`, read from the tarball's bytes by `baby release manifest` and `baby gov`. */
import { BabyError } from '@babychain/codec';
import { parseReleaseInfo, RELEASE_INFO_FILE, type ReleaseInfo } from '@babychain/upgrade';
import { CliErrorCode } from '../errors.ts';
import { readArtifact } from './pack.ts';

/** CLI_BAD_ARTIFACT when the artifact has no release.json; REL_BAD_RELEASE_INFO when it is malformed. */
export async function releaseInfoOf(artifact: Uint8Array): Promise<ReleaseInfo> {
  const file = (await readArtifact(artifact)).find((f) => f.path === RELEASE_INFO_FILE);
  if (file === undefined) throw new BabyError(CliErrorCode.BAD_ARTIFACT, `the artifact has no ${RELEASE_INFO_FILE}`);
  return parseReleaseInfo(new TextDecoder().decode(file.bytes));
}

/**
 * What `baby gov propose upgrade` checks before it spends a deposit: that every URL of the plan serves every build
 * of its manifest, byte for byte (LCH-3 with REL-5's size and digest), so that a typo or a stale mirror is found by
 * the proposer, not by every validator at the halt.
 */
import type { SignedManifest } from '@babychain/codec';
import { BabyError, isBabyError, toHex } from '@babychain/codec';
import { checkSource, sourceDeadlines } from '@babychain/launcher';
import { artifactUrl } from '@babychain/upgrade';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';

/**
 * Fetches each URL for each artifact; throws the first failure's code, naming the URL and the platform. Says what
 * it checked on stderr unless `quiet` (--json).
 */
export async function checkPlanSources(
  io: CliIo,
  urls: readonly string[],
  release: SignedManifest,
  quiet: boolean,
): Promise<void> {
  const artifacts = release.manifest?.artifacts ?? [];
  if (artifacts.length === 0) throw new BabyError(CliErrorCode.BAD_PLAN, 'the manifest lists no artifact to fetch');
  for (const template of urls) {
    for (const artifact of artifacts) {
      const url = artifactUrl(template, artifact.sha256);
      try {
        await checkSource(globalThis.fetch, url, artifact, sourceDeadlines(artifact.size));
      } catch (err) {
        if (!isBabyError(err)) throw err;
        throw new BabyError(
          err.code,
          `${url} (${artifact.platform}): ${err.message}; fix the mirror or the plan, or pass --skip-fetch-check`,
          { ...err.meta, url, platform: artifact.platform },
        );
      }
      if (quiet) continue;
      io.stderr.write(
        `checked ${url} (${artifact.platform}): ${artifact.size} bytes, sha256 ${toHex(artifact.sha256).slice(0, 16)}…\n`,
      );
    }
  }
}

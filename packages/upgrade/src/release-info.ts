/**
 * REL-5's `release.json`: what an artifact is, written by `baby release build` and read back by `baby release
 * manifest`, `baby gov` and a launcher, which must all agree on what a well-formed one is.
 */
import { BabyError, type MetaOf } from '@babychain/codec';
import { parseVersion } from '@babychain/state';
import { ReleaseErrorCode } from './errors.ts';

export const RELEASE_INFO_FILE = 'release.json';

// "" is a source checkout registered with a launcher, which was built from no single commit.
const SOURCE_COMMIT = /^(?:[0-9a-f]{40})?$/;
const MAX_APP_VERSION = 0xffff_ffff;

export interface ReleaseInfo {
  readonly version: string;
  /** 40 lowercase hex digits, or "" for a source checkout */
  readonly sourceCommit: string;
  readonly platform: string;
  readonly appVersion: number;
  /** the script to run, relative to the unpacked release */
  readonly entry: string;
}

/** The file's bytes, keys in REL-5's order so the artifact stays reproducible (REL-6). */
export function encodeReleaseInfo(info: ReleaseInfo): Uint8Array {
  const { version, sourceCommit, platform, appVersion, entry } = info;
  return new TextEncoder().encode(
    `${JSON.stringify({ version, sourceCommit, platform, appVersion, entry }, null, 2)}\n`,
  );
}

/**
 * The five fields of a release.json's text; REL_BAD_RELEASE_INFO naming the first field that is missing or wrong.
 * Other keys are ignored, so a reader may keep its own (a launcher marks source checkouts).
 */
export function parseReleaseInfo(text: string): ReleaseInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw fail(`${RELEASE_INFO_FILE} is not JSON: ${(err as Error).message}`, {}, err);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw fail(`${RELEASE_INFO_FILE} is not a JSON object`);
  }
  const { version, sourceCommit, platform, appVersion, entry } = raw as Record<string, unknown>;
  if (typeof version !== 'string') throw fail(`${RELEASE_INFO_FILE} has no "version" string`, { field: 'version' });
  try {
    parseVersion(version);
  } catch (err) {
    throw fail(`${RELEASE_INFO_FILE}: ${(err as Error).message}`, { field: 'version' }, err);
  }
  if (typeof sourceCommit !== 'string' || !SOURCE_COMMIT.test(sourceCommit)) {
    throw fail(`${RELEASE_INFO_FILE}: "sourceCommit" is not 40 lowercase hex digits (or "")`, {
      field: 'sourceCommit',
    });
  }
  if (typeof platform !== 'string' || platform === '') {
    throw fail(`${RELEASE_INFO_FILE} has no "platform"`, { field: 'platform' });
  }
  if (
    typeof appVersion !== 'number' ||
    !Number.isInteger(appVersion) ||
    appVersion < 0 ||
    appVersion > MAX_APP_VERSION
  ) {
    throw fail(`${RELEASE_INFO_FILE}: "appVersion" is not an integer from 0 to ${MAX_APP_VERSION}`, {
      field: 'appVersion',
    });
  }
  if (typeof entry !== 'string' || entry === '') throw fail(`${RELEASE_INFO_FILE} has no "entry"`, { field: 'entry' });
  return { version, sourceCommit, platform, appVersion, entry };
}

/**
 * REL-5: a release.json agrees with what was signed and decided: the manifest's version and source commit, the
 * artifact's platform and the plan's app version. REL_BAD_RELEASE_INFO naming the first field that differs, in
 * that order.
 */
export function checkReleaseInfo(info: ReleaseInfo, expected: Omit<ReleaseInfo, 'entry'>): void {
  for (const field of ['version', 'sourceCommit', 'platform', 'appVersion'] as const) {
    if (info[field] !== expected[field]) {
      throw fail(
        `${RELEASE_INFO_FILE} says ${field} ${JSON.stringify(info[field])}, the release was signed and decided as ${JSON.stringify(expected[field])}`,
        { field, got: info[field], expected: expected[field] },
      );
    }
  }
}

function fail(
  message: string,
  meta: MetaOf<typeof ReleaseErrorCode.BAD_RELEASE_INFO> = {},
  cause?: unknown,
): BabyError {
  return new BabyError(
    ReleaseErrorCode.BAD_RELEASE_INFO,
    message,
    { rule: 'REL-5', ...meta },
    cause === undefined ? undefined : { cause },
  );
}

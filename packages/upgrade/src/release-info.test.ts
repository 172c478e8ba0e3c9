import { isBabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { encodeReleaseInfo, parseReleaseInfo, type ReleaseInfo } from './release-info.ts';

const INFO: ReleaseInfo = {
  version: '1.2.3',
  sourceCommit: 'ab'.repeat(20),
  platform: 'linux-x64',
  appVersion: 2,
  entry: 'baby.mjs',
};

function text(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

function refusal(input: string): { code: string; field: unknown; cause: unknown } {
  try {
    parseReleaseInfo(input);
  } catch (err) {
    if (!isBabyError(err)) throw err;
    return { code: err.code, field: err.meta['field'], cause: err.cause };
  }
  throw new Error(`accepted ${input}`);
}

describe('encodeReleaseInfo', () => {
  it('writes the keys in REL-5 order, two-space indented, with a final newline', () => {
    const shuffled = {
      entry: 'baby.mjs',
      appVersion: 2,
      platform: 'linux-x64',
      sourceCommit: 'ab'.repeat(20),
      version: '1.2.3',
    };
    expect(new TextDecoder().decode(encodeReleaseInfo(shuffled))).toBe(
      `{\n  "version": "1.2.3",\n  "sourceCommit": "${'ab'.repeat(20)}",\n  "platform": "linux-x64",\n  "appVersion": 2,\n  "entry": "baby.mjs"\n}\n`,
    );
  });

  it('leaves out keys that are not REL-5 fields', () => {
    const extended = { ...INFO, source: true } as ReleaseInfo;
    expect(encodeReleaseInfo(extended)).toEqual(encodeReleaseInfo(INFO));
  });
});

describe('parseReleaseInfo', () => {
  it('reads back what encodeReleaseInfo wrote', () => {
    expect(parseReleaseInfo(new TextDecoder().decode(encodeReleaseInfo(INFO)))).toEqual(INFO);
  });

  it("accepts a launcher's source checkout: no commit, app version 0, and its own extra key ignored", () => {
    const source = { ...INFO, sourceCommit: '', appVersion: 0, entry: '/repo/packages/cli/src/main.ts', source: true };
    expect(parseReleaseInfo(text(source))).toEqual({ ...INFO, sourceCommit: '', appVersion: 0, entry: source.entry });
  });

  it('refuses text that is not a JSON object', () => {
    const notJson = refusal('{"version":');
    expect(notJson.code).toBe('REL_BAD_RELEASE_INFO');
    expect(notJson.cause).toBeInstanceOf(SyntaxError);
    for (const input of ['null', '[]', '"1.2.3"', '42']) expect(refusal(input).code).toBe('REL_BAD_RELEASE_INFO');
  });

  it.each(['version', 'sourceCommit', 'platform', 'appVersion', 'entry'])(
    'refuses a release.json without %s',
    (field) => {
      const { [field]: _, ...rest } = INFO as unknown as Record<string, unknown>;
      expect(refusal(text(rest))).toMatchObject({ code: 'REL_BAD_RELEASE_INFO', field });
    },
  );

  it.each([
    ['version', 1],
    ['version', '1.2'],
    ['version', '01.2.3'],
    ['sourceCommit', 'AB'.repeat(20)],
    ['sourceCommit', 'ab'.repeat(19)],
    ['sourceCommit', 'main'],
    ['sourceCommit', null],
    ['platform', ''],
    ['platform', 7],
    ['appVersion', '1'],
    ['appVersion', 1.5],
    ['appVersion', -1],
    ['appVersion', 2 ** 32],
    ['entry', ''],
    ['entry', ['baby.mjs']],
  ])('refuses %s %j', (field, value) => {
    expect(refusal(text({ ...INFO, [field]: value }))).toMatchObject({ code: 'REL_BAD_RELEASE_INFO', field });
  });

  it('keeps the REL-2 reason of a bad version as the cause', () => {
    expect(isBabyError(refusal(text({ ...INFO, version: 'v1' })).cause, 'REL_BAD_VERSION')).toBe(true);
  });

  it('accepts the edges of the app version range', () => {
    expect(parseReleaseInfo(text({ ...INFO, appVersion: 2 ** 32 - 1 })).appVersion).toBe(2 ** 32 - 1);
  });
});

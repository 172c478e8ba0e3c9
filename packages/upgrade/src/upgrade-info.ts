/**
 * The upgrade-info file (specs/governance.md UPG-4): what a node that halts at a plan height leaves for its
 * launcher, written atomically and fsynced with its directory before the node exits with status 3.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plan, SignedManifest } from '@babychain/codec';
import { BabyError, decode, encode, fromHex, toHex } from '@babychain/codec';
import { UpgradeErrorCode } from './errors.ts';

/** UPG-4: the node's exit status when it halts for an upgrade. */
export const UPGRADE_EXIT_CODE = 3;
export const UPGRADE_INFO_FILE = 'upgrade-info.json';

export interface UpgradeInfo {
  readonly name: string;
  readonly height: bigint;
  readonly appVersion: number;
  readonly version: string;
  readonly manifest: SignedManifest;
  readonly urls: readonly string[];
}

/** The upgrade-info of a scheduled plan. */
export function upgradeInfoOf(plan: Plan): UpgradeInfo {
  const manifest = plan.release;
  if (manifest?.manifest === undefined) {
    throw new BabyError(UpgradeErrorCode.BAD_UPGRADE_INFO, `plan "${plan.name}" has no release manifest`);
  }
  return {
    name: plan.name,
    height: plan.height,
    appVersion: plan.appVersion,
    version: manifest.manifest.version,
    manifest,
    urls: plan.urls,
  };
}

/** Writes `<dataDir>/upgrade-info.json` atomically (temp, fsync, rename, fsync the directory). */
export function writeUpgradeInfo(dataDir: string, info: UpgradeInfo): string {
  const path = join(dataDir, UPGRADE_INFO_FILE);
  const tmp = `${path}.tmp`;
  const text = `${JSON.stringify(
    {
      name: info.name,
      height: info.height.toString(),
      appVersion: info.appVersion,
      version: info.version,
      manifest: toHex(encode('babychain.v0.SignedManifest', info.manifest)),
      urls: info.urls,
    },
    null,
    2,
  )}\n`;
  writeFileSync(tmp, text);
  fsyncPath(tmp);
  renameSync(tmp, path);
  fsyncPath(dirname(path));
  return path;
}

/** Reads and checks `<dataDir>/upgrade-info.json`; undefined when there is none. */
export function readUpgradeInfo(dataDir: string): UpgradeInfo | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, UPGRADE_INFO_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const { name, height, appVersion, version, manifest, urls } = raw;
    if (
      typeof name !== 'string' ||
      typeof height !== 'string' ||
      !/^[1-9][0-9]*$/.test(height) ||
      typeof appVersion !== 'number' ||
      typeof version !== 'string' ||
      typeof manifest !== 'string' ||
      !Array.isArray(urls) ||
      !urls.every((u) => typeof u === 'string')
    ) {
      throw new Error('a field is missing or has the wrong type');
    }
    return {
      name,
      height: BigInt(height),
      appVersion,
      version,
      manifest: decode('babychain.v0.SignedManifest', fromHex(manifest)),
      urls: urls as string[],
    };
  } catch (err) {
    throw new BabyError(
      UpgradeErrorCode.BAD_UPGRADE_INFO,
      `${join(dataDir, UPGRADE_INFO_FILE)} is unreadable: ${(err as Error).message}`,
    );
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

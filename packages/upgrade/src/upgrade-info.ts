/**
 * The upgrade-info file (specs/governance.md UPG-4): what a node that halts at a plan height leaves for its
 * launcher, written atomically and fsynced with its directory before the node exits with status 3.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Genesis, GovState, PlanDecision, SignedManifest } from '@babychain/codec';
import { BabyError, decode, encode, fromHex, fromJson, toHex, toJson } from '@babychain/codec';
import { writeFileDurable } from '@babychain/util';
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
  /**
   * The chain and the plan's decision (UPG-8): a launcher that never reached the node's RPC (a node syncing from
   * genesis halts within a second) verifies the release against these (LCH-6). Absent together in a file written
   * by a release that predates them.
   */
  readonly chainId?: string;
  readonly decision?: PlanDecision;
}

/** The upgrade-info of the plan `state` schedules; undefined when there is none. */
export function upgradeInfoOf(genesis: Genesis, state: GovState): UpgradeInfo | undefined {
  const plan = state.plan;
  if (plan === undefined) return undefined;
  const manifest = plan.release;
  if (manifest?.manifest === undefined) {
    throw new BabyError(UpgradeErrorCode.BAD_UPGRADE_INFO, `plan "${plan.name}" has no release manifest`);
  }
  if (state.planDecision === undefined) {
    throw new BabyError(UpgradeErrorCode.BAD_UPGRADE_INFO, `plan "${plan.name}" has no decision (UPG-8)`);
  }
  return {
    name: plan.name,
    height: plan.height,
    appVersion: plan.appVersion,
    version: manifest.manifest.version,
    manifest,
    urls: plan.urls,
    chainId: genesis.chainId,
    decision: state.planDecision,
  };
}

/** Writes `<dataDir>/upgrade-info.json` atomically (temp, fsync, rename, fsync the directory). */
export function writeUpgradeInfo(dataDir: string, info: UpgradeInfo): string {
  const path = join(dataDir, UPGRADE_INFO_FILE);
  const text = `${JSON.stringify(
    {
      name: info.name,
      height: info.height.toString(),
      appVersion: info.appVersion,
      version: info.version,
      manifest: toHex(encode('babychain.v0.SignedManifest', info.manifest)),
      urls: info.urls,
      ...(info.chainId === undefined ? {} : { chainId: info.chainId }),
      ...(info.decision === undefined ? {} : { decision: toJson('babychain.v0.PlanDecision', info.decision) }),
    },
    null,
    2,
  )}\n`;
  writeFileDurable(path, text);
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
    const { name, height, appVersion, version, manifest, urls, chainId, decision } = raw;
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
    // The chain and the decision come together or not at all (an older release wrote neither).
    if (
      (chainId === undefined) !== (decision === undefined) ||
      (chainId !== undefined && typeof chainId !== 'string')
    ) {
      throw new Error('chainId and decision must be given together');
    }
    return {
      name,
      height: BigInt(height),
      appVersion,
      version,
      manifest: decode('babychain.v0.SignedManifest', fromHex(manifest)),
      urls: urls as string[],
      ...(typeof chainId === 'string' ? { chainId, decision: fromJson('babychain.v0.PlanDecision', decision) } : {}),
    };
  } catch (err) {
    throw new BabyError(
      UpgradeErrorCode.BAD_UPGRADE_INFO,
      `${join(dataDir, UPGRADE_INFO_FILE)} is unreadable: ${(err as Error).message}`,
    );
  }
}

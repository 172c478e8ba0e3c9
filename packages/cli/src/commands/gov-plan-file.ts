/**
 * The plan file of `baby gov propose upgrade`: plan.json and the signed manifest it names, read and checked, and the
 * plan it becomes (UPG-1, UPG-2). Apart from gov.ts, which is the command tree.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { UpgradeStatus } from '@babychain/client';
import type { Plan, SignedManifest } from '@babychain/codec';
import { BabyError, fromJson, isBabyError } from '@babychain/codec';
import { CliErrorCode } from '../errors.ts';
import { periods } from './gov-show.ts';
import { parseJsonFile } from './tx.ts';

export interface PlanFile {
  readonly path: string;
  readonly name: string;
  readonly height?: bigint;
  readonly appVersion?: number;
  readonly urls: string[];
  readonly release: SignedManifest;
}

function badPlan(path: string, what: string): BabyError {
  return new BabyError(CliErrorCode.BAD_PLAN, `${path}: ${what}`, { file: path });
}

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
  return parseJsonFile(path, text);
}

/** plan.json with its manifest file (a path relative to plan.json's directory) read and decoded. */
export async function loadPlanFile(path: string): Promise<PlanFile> {
  const raw = await readJsonFile(path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badPlan(path, 'expected a JSON object');
  const { name, height, appVersion, urls, manifest } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw badPlan(path, '"name" must be the plan name (a string)');
  let h: bigint | undefined;
  if (height !== undefined) {
    const text = typeof height === 'number' && Number.isSafeInteger(height) ? String(height) : height;
    if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) throw badPlan(path, '"height" must be a whole number');
    h = BigInt(text);
  }
  if (appVersion !== undefined && (typeof appVersion !== 'number' || !Number.isInteger(appVersion) || appVersion < 0)) {
    throw badPlan(path, '"appVersion" must be a whole number');
  }
  if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string')) {
    throw badPlan(path, '"urls" must be a list of download URLs');
  }
  if (typeof manifest !== 'string' || manifest === '') {
    throw badPlan(path, '"manifest" must be the path of the signed manifest (written by baby release manifest)');
  }
  const manifestPath = resolve(dirname(path), manifest);
  const manifestJson = await readJsonFile(manifestPath);
  let release: SignedManifest;
  try {
    release = fromJson('babychain.v0.SignedManifest', manifestJson);
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw badPlan(manifestPath, `not a signed release manifest: ${err.message}`);
  }
  return {
    path,
    name,
    ...(h === undefined ? {} : { height: h }),
    ...(appVersion === undefined ? {} : { appVersion }),
    urls: urls as string[],
    release,
  };
}

/**
 * The plan to propose. `--height-in n` puts it n blocks after the earliest height UPG-2 accepts when the proposal
 * lands in the next block: the next height, plus the voting period, plus the upgrade delay, by maturity.
 */
export function planOf(file: PlanFile, info: UpgradeStatus, heightIn: bigint | undefined): Plan {
  const { voting, delay } = periods(info.governance);
  const height = heightIn === undefined ? file.height : info.height + 1n + voting + delay + heightIn;
  if (height === undefined) throw badPlan(file.path, 'give "height" in the plan or --height-in <blocks>');
  return {
    name: file.name,
    height,
    appVersion: file.appVersion ?? info.governance.appVersion + 1,
    release: file.release,
    urls: file.urls,
  };
}

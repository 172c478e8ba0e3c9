/** The node's `GET /upgrade` answer as the launcher uses it: the scheduled plan with the decision it is checked against. */
import type { BabyClient, PlanInfo } from '@babychain/client';
import type { PlanDecision, SignedManifest } from '@babychain/codec';
import { decode, encode, fromHex, sha256, toHex } from '@babychain/codec';
import { LauncherErrorCode, launcherError } from './errors.ts';
import { type LauncherPaths, readJson } from './layout.ts';

export interface PlanView {
  readonly name: string;
  readonly height: bigint;
  readonly appVersion: number;
  readonly version: string;
  /** hex sha256 of the SignedManifest's encoding: which release a prepared one is (LCH-1 `prepared.json`) */
  readonly manifestDigest: string;
  readonly manifest: SignedManifest;
  readonly urls: readonly string[];
  /** UPG-8: the REL-4 inputs of the plan's passing, the only ones its release is checked against */
  readonly decision: PlanDecision;
}

export interface UpgradeView {
  readonly chainId: string;
  readonly height: bigint;
  readonly plan: PlanView | null;
  /** hex addresses of the validators that signalled ready for the plan */
  readonly ready: readonly string[];
  /** names of the upgrades the chain applied */
  readonly applied: readonly string[];
}

/** `http://host:port` of the node's RPC from config.json; a wildcard bind is reached on loopback. */
export function rpcUrl(paths: LauncherPaths): string {
  const config = readJson(paths.config) as { rpc?: { host?: unknown; port?: unknown } } | undefined;
  const host = typeof config?.rpc?.host === 'string' ? config.rpc.host : '127.0.0.1';
  const port = typeof config?.rpc?.port === 'number' ? config.rpc.port : 26657;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export async function fetchUpgradeView(client: BabyClient): Promise<UpgradeView> {
  const info = await client.upgrade();
  const gov = info.governance;
  return {
    chainId: info.chainId,
    height: info.height,
    plan: gov.plan === null ? null : planView(gov.plan),
    ready: gov.ready.validators,
    applied: gov.applied.map((a) => a.name),
  };
}

function planView(plan: PlanInfo): PlanView {
  let manifest: SignedManifest;
  try {
    manifest = decode('babychain.v0.SignedManifest', fromHex(plan.manifest));
  } catch (err) {
    throw launcherError(
      LauncherErrorCode.BAD_NODE_ANSWER,
      `the node's plan manifest does not decode`,
      {},
      { cause: err },
    );
  }
  const d = plan.decision;
  return {
    name: plan.name,
    height: plan.height,
    appVersion: plan.appVersion,
    version: plan.version,
    manifestDigest: manifestDigest(manifest),
    manifest,
    urls: plan.urls,
    decision: {
      height: d.height,
      timeMs: d.timeMs,
      versionInForce: d.versionInForce,
      releaseSigners: d.releaseSigners.map((k) => fromHex(k)),
      releaseThreshold: d.releaseThreshold,
    },
  };
}

/** The hex sha256 of a signed manifest's encoding. */
export function manifestDigest(manifest: SignedManifest): string {
  return toHex(sha256(encode('babychain.v0.SignedManifest', manifest)));
}

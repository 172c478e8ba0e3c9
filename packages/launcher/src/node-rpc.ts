/** The node's `GET /upgrade` answer: the scheduled plan and the release-signer set the launcher verifies against. */
import type { SignedManifest } from '@babychain/codec';
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
}

export interface UpgradeView {
  readonly chainId: string;
  readonly height: bigint;
  readonly nodeVersion: string;
  readonly signers: readonly Uint8Array[];
  readonly threshold: number;
  readonly plan: PlanView | null;
  /** hex addresses of the validators that signalled ready for the plan */
  readonly ready: readonly string[];
}

/** `http://host:port` of the node's RPC from config.json; a wildcard bind is reached on loopback. */
export function rpcUrl(paths: LauncherPaths): string {
  const config = readJson(paths.config) as { rpc?: { host?: unknown; port?: unknown } } | undefined;
  const host = typeof config?.rpc?.host === 'string' ? config.rpc.host : '127.0.0.1';
  const port = typeof config?.rpc?.port === 'number' ? config.rpc.port : 26657;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export async function fetchUpgradeView(fetchFn: typeof fetch, url: string, timeoutMs = 5000): Promise<UpgradeView> {
  const res = await fetchFn(`${url}/upgrade`, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /upgrade: HTTP ${res.status}`);
  return parseUpgradeView(JSON.parse(text) as unknown);
}

export function parseUpgradeView(json: unknown): UpgradeView {
  const o = obj(json, 'upgrade');
  const gov = obj(o['governance'], 'governance');
  const signers = arr(gov['releaseSigners'], 'governance.releaseSigners').map((s) => fromHex(str(s, 'signer')));
  const threshold = num(gov['releaseThreshold'], 'governance.releaseThreshold');
  const ready = gov['ready'] === undefined || gov['ready'] === null ? undefined : obj(gov['ready'], 'governance.ready');
  const rawPlan = gov['plan'];
  let plan: PlanView | null = null;
  if (rawPlan !== null && rawPlan !== undefined) {
    const p = obj(rawPlan, 'governance.plan');
    const manifest = decode('babychain.v0.SignedManifest', fromHex(str(p['manifest'], 'plan.manifest')));
    plan = {
      name: str(p['name'], 'plan.name'),
      height: BigInt(str(p['height'], 'plan.height')),
      appVersion: num(p['appVersion'], 'plan.appVersion'),
      version: str(p['version'], 'plan.version'),
      manifestDigest: manifestDigest(manifest),
      manifest,
      urls: arr(p['urls'], 'plan.urls').map((u) => str(u, 'plan.urls[]')),
    };
  }
  return {
    chainId: str(o['chainId'], 'chainId'),
    height: BigInt(str(o['height'], 'height')),
    nodeVersion: typeof o['nodeVersion'] === 'string' ? o['nodeVersion'] : '',
    signers,
    threshold,
    plan,
    ready: ready === undefined ? [] : arr(ready['validators'], 'ready.validators').map((v) => str(v, 'validator')),
  };
}

function bad(path: string): never {
  throw launcherError(LauncherErrorCode.BAD_NODE_ANSWER, `the node's /upgrade answer has no valid ${path}`);
}
function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path);
  return v as Record<string, unknown>;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) bad(path);
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') bad(path);
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(path);
  return v;
}

/** The hex sha256 of a signed manifest's encoding. */
export function manifestDigest(manifest: SignedManifest): string {
  return toHex(sha256(encode('babychain.v0.SignedManifest', manifest)));
}

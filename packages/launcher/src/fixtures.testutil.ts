/**
 * Test fixtures: node homes, fake releases (tiny tarballs whose entry is a script that plays a node: it serves
 * /upgrade, /status, /accounts and POST /txs, makes blocks, halts with status 3 at the plan height or crashes at
 * start), signed manifests and an artifact server that can tamper, overfill, cut or be down.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ReleaseManifest, SignedManifest } from '@babychain/codec';
import { encode, toHex } from '@babychain/codec';
import { publicKeyFromSeed } from '@babychain/crypto';
import { FAKE_GOV_RULES, makeValidatorHome } from '@babychain/test-utils';
import { currentPlatform, describeArtifact, signManifest, withSignature } from '@babychain/upgrade';
import { pack } from 'tar-stream';

export const CHAIN_ID = 'launcher-test';
/** the commit every fake release says it was built from, as its manifest does (REL-5) */
export const SOURCE_COMMIT = 'a'.repeat(40);
export const SIGNER_SEEDS = [1, 2, 3].map((n) => new Uint8Array(32).fill(n));
export const STRANGER_SEED = new Uint8Array(32).fill(9);
export const VALIDATOR_SEED = new Uint8Array(32).fill(7);

export async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

export interface TestHome {
  readonly home: string;
  readonly rpcPort: number;
}

/** Every test home's genesis time: homes made alike share one genesis, so a test peer can be on it (P2P-2). */
export const GENESIS_TIME_MS = 1_795_400_000_000n;

/**
 * A validator home of chain CHAIN_ID with the key VALIDATOR_SEED, its RPC on a free port, and an empty data/. Its
 * genesis is the same for every home (GENESIS_TIME_MS).
 */
export async function makeHome(bootstrap: readonly string[] = [], parent = tmpdir()): Promise<TestHome> {
  const rpcPort = await freePort();
  const { home } = await makeValidatorHome({
    chainId: CHAIN_ID,
    validatorSeed: VALIDATOR_SEED,
    genesis: { genesisTimeMs: GENESIS_TIME_MS },
    rpcPort,
    bootstrap,
    parent,
  });
  mkdirSync(join(home, 'data'), { recursive: true });
  return { home, rpcPort };
}

/**
 * `node` plays a node; `crash` exits 1 at start; `sign-then-crash` signs a precommit at the plan height and logs it
 * in its WAL before it exits 1, as a release that crashes after voting does (LCH-6); `halt-past` commits past the
 * plan height and halts at once for a later plan `v3`, as a node syncing through two plans does; `stall` answers on
 * its RPC but makes no block until the file `unstall` exists in the home, as a release waiting for the others does.
 */
export type FakeMode = 'node' | 'crash' | 'sign-then-crash' | 'halt-past' | 'stall';

const GUARD_MODULE = join(import.meta.dirname, 'fake-guard.testutil.ts');

/** The entry script of a fake release. */
export function fakeNodeScript(version: string, mode: FakeMode, knows: readonly string[]): string {
  return `import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const VERSION = ${JSON.stringify(version)};
const MODE = ${JSON.stringify(mode)};
const KNOWS = ${JSON.stringify(knows)};
const home = process.argv[process.argv.indexOf('--home') + 1];
const data = join(home, 'data');
appendFileSync(join(home, 'ran-' + VERSION), process.pid + '\\n');
const gov = () => JSON.parse(readFileSync(join(home, 'fake-gov.json'), 'utf8'));
const guard = gov().signs === true ? await import(${JSON.stringify(GUARD_MODULE)}) : undefined;
if (MODE === 'sign-then-crash') {
  await guard.signAt(home, data, BigInt(gov().governance.plan.height), VERSION);
}
if (MODE === 'crash' || MODE === 'sign-then-crash') {
  writeFileSync(join(data, 'poison'), 'written by the crashing release');
  console.error('fake ' + VERSION + ': cannot open the database');
  process.exit(1);
}
if (MODE === 'halt-past') {
  const p = gov().governance.plan;
  writeFileSync(join(data, 'height'), String(BigInt(p.height) + 4n));
  writeFileSync(join(data, 'upgrade-info.json'), JSON.stringify({ ...gov().upgradeInfo, name: 'v3', height: String(BigInt(p.height) + 5n) }));
  console.log('fake ' + VERSION + ': UPG_NEEDED at a later plan');
  process.exit(3);
}
mkdirSync(join(data, 'state'), { recursive: true });
if (!existsSync(join(data, 'state', '000005.ldb'))) {
  writeFileSync(join(data, 'state', '000005.ldb'), 'an immutable table');
  writeFileSync(join(data, 'state', '000006.log'), 'appended to');
  writeFileSync(join(data, 'state', 'CURRENT'), 'MANIFEST-000001\\n');
  writeFileSync(join(data, 'state', 'LOCK'), '');
}
const heightFile = join(data, 'height');
let height = existsSync(heightFile) ? BigInt(readFileSync(heightFile, 'utf8')) : 0n;
const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
const txsFile = join(home, 'submitted-txs');
// A node that synced to the plan height at once: it halts before its RPC ever answered.
const plan0 = gov().governance.plan;
if (gov().haltAtStart === true && plan0 !== null && !KNOWS.includes(plan0.name)) {
  writeFileSync(join(data, 'upgrade-info.json'), JSON.stringify(gov().upgradeInfo));
  console.log('fake ' + VERSION + ': UPG_NEEDED at ' + plan0.height + ' at start');
  process.exit(3);
}
const zero = '0'.repeat(64);
const durations = { p50: null, p99: null, samples: 0 };
const status = () => ({
  chainId: gov().chainId, moniker: 'fake', version: VERSION, nodeId: 'x', maturity: 'baby', height: String(height),
  lastBlockHash: zero, appHash: zero, lastBlockTimeMs: String(Date.now()), round: 0, step: 'propose',
  syncing: false, peers: 0, peerIds: [], validator: null, blockTimeMs: durations, finalityMs: durations,
  evidence: 0, mempool: { txs: 0, bytes: 0 }, params: { minFee: '5', maxBlockBytes: '100000', maxBlockTxs: 100 },
});
const json = (res, code, body) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (req.url === '/upgrade') return json(res, 200, { chainId: gov().chainId, height: String(height), nodeVersion: VERSION, handlers: KNOWS, governance: gov().governance });
    if (req.url === '/status') return json(res, 200, status());
    if (req.url === '/validators' && gov().validators !== undefined) {
      return json(res, 200, {
        height: String(height + 1n),
        totalPower: '10',
        validators: gov().validators,
        jailed: [],
      });
    }
    if (req.url.startsWith('/accounts/')) return json(res, 200, { address: decodeURIComponent(req.url.slice(10)), balance: '1000', nonce: '4', height: String(height), multisig: null });
    if (req.url === '/txs' && req.method === 'POST') {
      const tx = JSON.parse(body).tx;
      appendFileSync(txsFile, tx + '\\n');
      return json(res, 200, { id: createHash('sha256').update(Buffer.from(tx, 'hex')).digest('hex'), status: 'pending' });
    }
    json(res, 404, { error: { code: 'RPC_NOT_FOUND', message: req.url } });
  });
});
const listen = () => server.listen(config.rpc.port, '127.0.0.1');
server.on('error', () => setTimeout(listen, 50));
listen();
let busy = false;
setInterval(async () => {
  if (busy) return;
  if (MODE === 'stall' && !existsSync(join(home, 'unstall'))) return;
  busy = true;
  const g = gov();
  const plan = g.governance.plan;
  if (plan !== null && !KNOWS.includes(plan.name) && height + 1n >= BigInt(plan.height)) {
    if (g.haltWhen !== undefined && !existsSync(join(home, g.haltWhen))) return void (busy = false);
    writeFileSync(join(data, 'upgrade-info.json'), JSON.stringify(g.upgradeInfo));
    console.log('fake ' + VERSION + ': UPG_NEEDED at ' + plan.height);
    process.exit(3);
  }
  height += 1n;
  if (guard !== undefined) await guard.signAt(home, data, height, VERSION);
  writeFileSync(heightFile, String(height));
  busy = false;
}, 50);
`;
}

export type TarEntry =
  | { readonly name: string; readonly content: string | Uint8Array; readonly mode?: number }
  | { readonly name: string; readonly type: 'directory' | 'symlink'; readonly linkname?: string };

export async function tarball(entries: readonly TarEntry[]): Promise<Uint8Array> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = once(p, 'end');
  for (const e of entries) {
    if ('content' in e) {
      p.entry(
        { name: e.name, mode: e.mode ?? 0o644 },
        typeof e.content === 'string' ? e.content : Buffer.from(e.content),
      );
    } else {
      p.entry({ name: e.name, type: e.type, ...(e.linkname === undefined ? {} : { linkname: e.linkname }) });
    }
  }
  p.finalize();
  await ended;
  return new Uint8Array(gzipSync(Buffer.concat(chunks)));
}

/** A release tarball: release.json + node.mjs, and `extra` entries. */
export function releaseTarball(
  version: string,
  mode: FakeMode = 'node',
  knows: readonly string[] = [],
  extra: readonly TarEntry[] = [],
) {
  return tarball([
    {
      name: 'release.json',
      content: JSON.stringify({
        version,
        sourceCommit: SOURCE_COMMIT,
        platform: currentPlatform(),
        appVersion: 1,
        entry: 'node.mjs',
      }),
    },
    { name: 'node.mjs', content: fakeNodeScript(version, mode, knows) },
    ...extra,
  ]);
}

export function sha256Of(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export interface ManifestOptions {
  readonly plan?: string;
  readonly version?: string;
  readonly size?: bigint;
  readonly expiresMs?: bigint;
  readonly seeds?: readonly Uint8Array[];
}

export function signedManifest(artifact: Uint8Array, o: ManifestOptions = {}): SignedManifest {
  const manifest: ReleaseManifest = {
    chainId: CHAIN_ID,
    planName: o.plan ?? 'v2',
    version: o.version ?? '2.0.0',
    artifacts: [
      { ...describeArtifact(artifact, currentPlatform()), ...(o.size === undefined ? {} : { size: o.size }) },
    ],
    expiresMs: o.expiresMs ?? BigInt(Date.now() + 3_600_000),
    sourceCommit: SOURCE_COMMIT,
  };
  let signed: SignedManifest = { manifest, signatures: [] };
  for (const seed of o.seeds ?? SIGNER_SEEDS.slice(0, 2)) signed = withSignature(signed, signManifest(manifest, seed));
  return signed;
}

export interface GovFixture {
  readonly signed: SignedManifest;
  readonly planHeight: bigint;
  readonly urls: readonly string[];
  readonly threshold?: number;
  /** a file (relative to the home) whose existence lets the old release halt at the plan height */
  readonly haltWhen?: string;
  /** the old release halts as it starts, before its RPC answers once (a node that synced to the plan height) */
  readonly haltAtStart?: boolean;
  /** the fake nodes sign each height through a real double-sign guard and write WAL files (fake-guard.testutil.ts) */
  readonly signs?: boolean;
  /** the plan is no longer scheduled (a cancel passed): /upgrade reports none */
  readonly cancelled?: boolean;
  /** the upgrade-info file a release from before UPG-8 writes: without the chain id and the decision */
  readonly upgradeInfoWithoutDecision?: boolean;
  /** UPG-8: the time of the block the plan passed in (default: now) */
  readonly decidedAtMs?: bigint;
  /** UPG-8: the release signers in force when the plan passed (default: the three SIGNER_SEEDS) */
  readonly decidedSigners?: readonly Uint8Array[];
  /** the signers in force now, as /upgrade reports them (default: the decision's) */
  readonly signersNow?: readonly Uint8Array[];
  /** GOV-3: the version in force when the plan passed (default: 1.0.0, the release the scenario runs) */
  readonly versionInForce?: string;
  /** VAL-1: what /validators answers (default: nothing, a node release from before operators, 404) */
  readonly validators?: readonly Record<string, unknown>[];
}

/** Writes `fake-gov.json`: what the fake node answers on /upgrade and writes as upgrade-info at the halt. */
export function writeGov(home: string, g: GovFixture): void {
  const manifest = toHex(encode('babychain.v0.SignedManifest', g.signed));
  const version = g.signed.manifest?.version ?? '';
  const name = g.signed.manifest?.planName ?? '';
  const signerKeys = (seeds: readonly Uint8Array[]) => seeds.map((s) => toHex(publicKeyFromSeed(s)));
  const threshold = g.threshold ?? 2;
  const versionInForce = g.versionInForce ?? '1.0.0';
  const decision = {
    height: (g.planHeight > 10n ? g.planHeight - 10n : 1n).toString(),
    timeMs: (g.decidedAtMs ?? BigInt(Date.now())).toString(),
    versionInForce,
    releaseSigners: g.decidedSigners === undefined ? signerKeys(SIGNER_SEEDS) : g.decidedSigners.map((k) => toHex(k)),
    releaseThreshold: threshold,
  };
  const plan = { name, height: g.planHeight.toString(), appVersion: 1, version, manifest, urls: g.urls };
  writeFileSync(
    join(home, 'fake-gov.json'),
    JSON.stringify({
      chainId: CHAIN_ID,
      ...(g.haltWhen === undefined ? {} : { haltWhen: g.haltWhen }),
      ...(g.haltAtStart === true ? { haltAtStart: true } : {}),
      ...(g.signs === true ? { signs: true } : {}),
      governance: {
        maturity: 'baby',
        appVersion: 0,
        version: '',
        versionInForce,
        releaseSigners: g.signersNow === undefined ? decision.releaseSigners : g.signersNow.map((k) => toHex(k)),
        releaseThreshold: threshold,
        plan: g.cancelled === true ? null : { ...plan, artifacts: [], decision },
        ready: { validators: [], power: '0', totalPower: '10' },
        attestations: [],
        proposals: [],
        results: [],
        applied: [],
        params: { minFee: '5', maxBlockBytes: '100000', maxBlockTxs: 100 },
        govParams: {
          minDeposit: '1',
          babyVotingPeriod: '1',
          grownUpVotingPeriod: '1',
          babyUpgradeDelay: '1',
          grownUpUpgradeDelay: '1',
        },
        rules: FAKE_GOV_RULES,
      },
      upgradeInfo: g.upgradeInfoWithoutDecision === true ? plan : { ...plan, chainId: CHAIN_ID, decision },
      ...(g.validators === undefined ? {} : { validators: g.validators }),
    }),
  );
}

export type ServeMode = 'ok' | 'tamper' | 'overfill' | 'cut-once' | 'trickle';

export interface ArtifactServer {
  readonly url: string;
  mode: ServeMode;
  requests: number;
  close(): Promise<void>;
}

/** Serves `bytes` at `/a/<hex>`, on `port` when given (a mirror that comes back). */
export async function artifactServer(bytes: Uint8Array, port = 0): Promise<ArtifactServer> {
  let cut = false;
  const state: ArtifactServer = {
    url: '',
    mode: 'ok',
    requests: 0,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server: Server = createServer((req, res) => {
    state.requests++;
    if (req.url !== `/a/${toHex(sha256Of(bytes))}`) return void res.writeHead(404).end();
    if (state.mode === 'tamper') {
      const copy = Buffer.from(bytes);
      copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff;
      return void res.writeHead(200).end(copy);
    }
    if (state.mode === 'overfill') {
      res.writeHead(200);
      res.write(bytes);
      return void res.end(Buffer.alloc(4096, 1));
    }
    if (state.mode === 'trickle') {
      // One byte a second: never idle long enough to trip an idle timer.
      res.writeHead(200, { 'content-length': String(bytes.length) });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < bytes.length) res.write(bytes.subarray(sent, ++sent));
      }, 1000);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (state.mode === 'cut-once' && !cut) {
      cut = true;
      res.writeHead(200, { 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, bytes.length >> 1));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/a/{sha256}` });
  return state;
}

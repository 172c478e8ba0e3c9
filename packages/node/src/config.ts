/**
 * A node's home directory: what `baby init` writes and `baby start` reads.
 *
 *   config.json                 NodeConfig
 *   genesis.json                the chain's genesis (GenesisJson)
 *   node_key.json               { seed }: the libp2p identity
 *   priv_validator_key.json     { seed, publicKey, address }: only on a validator
 *   data/state/                 the state machine's LevelDB (blocks, accounts, tree)
 *   data/chain/                 the node's LevelDB (commits, decided block, evidence)
 *   data/consensus/wal/         the consensus WAL (CONS-10)
 *   data/consensus/last_signed  the double-sign guard (CONS-11)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BabyError, fromHex, toHex } from '@babychain/codec';
import type { TimeoutParams } from '@babychain/consensus';
import { consensusFiles, DEFAULT_TIMEOUTS } from '@babychain/consensus';
import { DEFAULT_RPC_LIMITS, type RpcLimits } from '@babychain/rpc';
import { writeFileDurable } from '@babychain/util';
import { NodeErrorCode } from './errors.ts';
import { parseListen } from './metrics-server.ts';

export interface NodeConfig {
  readonly moniker: string;
  readonly p2p: {
    /** multiaddrs to listen on, e.g. /ip4/127.0.0.1/tcp/26656 */
    readonly listen: readonly string[];
    /** full multiaddrs (with /p2p/<peer id>) of the peers to keep connected to */
    readonly bootstrap: readonly string[];
  };
  readonly rpc: {
    /** 127.0.0.1 by default: a public bind is an explicit choice (specs/rpc.md RPC-15) */
    readonly host: string;
    readonly port: number;
    /** browser origins allowed by CORS; none (CORS off) by default */
    readonly cors: { readonly origins: readonly string[] };
    /** at most `max` requests per `windowMs` and client, every way in together (RPC-10) */
    readonly rateLimit: RpcLimits['rateLimit'];
    /** RPC-10's other bounds: connections, in-flight requests, answer bytes, timeouts */
    readonly limits: Omit<RpcLimits, 'rateLimit'>;
    /** RPC-15: reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the client; none by default */
    readonly trustProxy: readonly string[];
    /** RPC-19: serve the web console at `/` (default true); false leaves only the API */
    readonly console: boolean;
  };
  readonly metrics: {
    /**
     * `host:port` of a listener serving only GET /metrics, outside the RPC's request budget; "" (the default) for
     * none. The RPC's own /metrics stays.
     */
    readonly listen: string;
  };
  readonly consensus: {
    readonly timeouts: TimeoutParams;
    /** pause after a commit before the next height starts: the block time is this plus one round */
    readonly commitWaitMs: number;
  };
  /**
   * Worker threads verifying transaction signatures (`auto`: one per core but the main thread's); 0 verifies them on
   * the main thread.
   */
  readonly verifyWorkers: number | 'auto';
  /** devnet-only controls (POST /admin/denylist) */
  readonly devnetAdmin: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export const DEFAULT_COMMIT_WAIT_MS = 900;
export const MAX_VERIFY_WORKERS = 64;

function rpcLimitsBesidesRate(): Omit<RpcLimits, 'rateLimit'> {
  const { rateLimit: _, ...rest } = DEFAULT_RPC_LIMITS;
  return rest;
}

export const homePaths = (home: string) => ({
  config: join(home, 'config.json'),
  genesis: join(home, 'genesis.json'),
  nodeKey: join(home, 'node_key.json'),
  validatorKey: join(home, 'priv_validator_key.json'),
  state: join(home, 'data', 'state'),
  chain: join(home, 'data', 'chain'),
  ...consensusFiles(join(home, 'data')),
});

export function defaultConfig(moniker: string, p2pPort: number, rpcPort: number): NodeConfig {
  return {
    moniker,
    p2p: { listen: [`/ip4/127.0.0.1/tcp/${p2pPort}`], bootstrap: [] },
    rpc: {
      host: '127.0.0.1',
      port: rpcPort,
      cors: { origins: [] },
      rateLimit: { ...DEFAULT_RPC_LIMITS.rateLimit },
      limits: rpcLimitsBesidesRate(),
      trustProxy: [],
      console: true,
    },
    metrics: { listen: '' },
    consensus: { timeouts: { ...DEFAULT_TIMEOUTS }, commitWaitMs: DEFAULT_COMMIT_WAIT_MS },
    verifyWorkers: 'auto',
    devnetAdmin: false,
    logLevel: 'info',
  };
}

export function readConfig(home: string): NodeConfig {
  const path = homePaths(home).config;
  if (!existsSync(path)) {
    throw new BabyError(NodeErrorCode.NOT_INITIALISED, `${path} does not exist: run "baby init --home ${home}" first`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new BabyError(NodeErrorCode.BAD_CONFIG, `${path} is not valid JSON`, {}, { cause: err });
  }
  const defaults = defaultConfig('node', 26656, 26657);
  const c = parsed as Partial<NodeConfig>;
  const config: NodeConfig = {
    ...defaults,
    ...c,
    p2p: { ...defaults.p2p, ...c.p2p },
    rpc: {
      ...defaults.rpc,
      ...c.rpc,
      cors: { ...defaults.rpc.cors, ...c.rpc?.cors },
      rateLimit: { ...defaults.rpc.rateLimit, ...c.rpc?.rateLimit },
      limits: { ...defaults.rpc.limits, ...c.rpc?.limits },
      trustProxy: c.rpc?.trustProxy ?? defaults.rpc.trustProxy,
      console: c.rpc?.console ?? defaults.rpc.console,
    },
    metrics: { ...defaults.metrics, ...c.metrics },
    consensus: {
      ...defaults.consensus,
      ...c.consensus,
      timeouts: { ...defaults.consensus.timeouts, ...c.consensus?.timeouts },
    },
  };
  if (typeof config.moniker !== 'string' || config.moniker.length === 0) badConfig(path, 'moniker');
  if (!Number.isInteger(config.rpc.port) || config.rpc.port < 0 || config.rpc.port > 65535) badConfig(path, 'rpc.port');
  if (typeof config.rpc.host !== 'string' || config.rpc.host.length === 0) badConfig(path, 'rpc.host');
  const origins: unknown = config.rpc.cors.origins;
  if (!Array.isArray(origins) || !origins.every((o) => typeof o === 'string' && o.length > 0))
    badConfig(path, 'rpc.cors.origins');
  for (const k of ['max', 'windowMs'] as const) {
    const v = config.rpc.rateLimit[k];
    if (!Number.isInteger(v) || v < 1) badConfig(path, `rpc.rateLimit.${k}`);
  }
  for (const [k, v] of Object.entries(config.rpc.limits)) {
    const least = k === 'refusalDelayMs' ? 0 : 1;
    if (!(k in DEFAULT_RPC_LIMITS) || !Number.isSafeInteger(v) || v < least) badConfig(path, `rpc.limits.${k}`);
  }
  if (typeof config.rpc.console !== 'boolean') badConfig(path, 'rpc.console');
  const proxies: unknown = config.rpc.trustProxy;
  if (!Array.isArray(proxies) || !proxies.every((p) => typeof p === 'string' && p.length > 0))
    badConfig(path, 'rpc.trustProxy');
  const metricsListen: unknown = config.metrics.listen;
  if (typeof metricsListen !== 'string' || (metricsListen !== '' && parseListen(metricsListen) === undefined))
    badConfig(path, 'metrics.listen');
  if (!Number.isInteger(config.consensus.commitWaitMs) || config.consensus.commitWaitMs < 0)
    badConfig(path, 'consensus.commitWaitMs');
  const workers = config.verifyWorkers;
  if (workers !== 'auto' && (!Number.isInteger(workers) || workers < 0 || workers > MAX_VERIFY_WORKERS))
    badConfig(path, 'verifyWorkers');
  for (const [k, v] of Object.entries(config.consensus.timeouts)) {
    if (!Number.isInteger(v) || v < 0) badConfig(path, `consensus.timeouts.${k}`);
  }
  return config;
}

function badConfig(path: string, field: string): never {
  throw new BabyError(NodeErrorCode.BAD_CONFIG, `${path}: ${field} is missing or invalid`, { field });
}

export function writeSeedFile(path: string, seed: Uint8Array, extra: Record<string, string> = {}): void {
  writeFileDurable(path, `${JSON.stringify({ seed: toHex(seed), ...extra }, null, 2)}\n`, 0o600);
}

export function readSeedFile(path: string): Uint8Array {
  let seed: unknown;
  try {
    seed = (JSON.parse(readFileSync(path, 'utf8')) as { seed?: unknown }).seed;
  } catch (err) {
    throw new BabyError(NodeErrorCode.BAD_KEY_FILE, `${path} cannot be read as a key file`, {}, { cause: err });
  }
  if (typeof seed !== 'string' || !/^[0-9a-f]{64}$/.test(seed)) {
    throw new BabyError(NodeErrorCode.BAD_KEY_FILE, `${path} has no 32-byte hex "seed"`);
  }
  return fromHex(seed);
}

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true });
}

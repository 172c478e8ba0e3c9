/** `baby init`: writes a home directory (config.ts) for a validator or a full node, or a one-validator chain. */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { BabyError, toHex } from '@babychain/codec';
import type { TimeoutParams } from '@babychain/consensus';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { peerIdFromSeed } from '@babychain/p2p';
import type { DevGenesisOptions, GenesisJson } from '@babychain/state';
import { createDevGenesis, genesisDraftFromJson, genesisFromJson, genesisToJson } from '@babychain/state';
import { writeFileDurable } from '@babychain/util';
import type { NodeConfig } from './config.ts';
import { defaultConfig, ensureDir, homePaths, writeSeedFile } from './config.ts';
import { NodeErrorCode } from './errors.ts';

export interface InitHomeOptions {
  readonly home: string;
  readonly moniker: string;
  readonly genesis: GenesisJson;
  readonly p2pPort: number;
  readonly rpcPort: number;
  /** 32 bytes; random when absent */
  readonly nodeKeySeed?: Uint8Array;
  /** 32 bytes: this node validates with it (it must be in the genesis to sign); absent: a full node */
  readonly validatorSeed?: Uint8Array;
  readonly bootstrap?: readonly string[];
  /**
   * `genesis` is a GEN-8 draft (no validators yet): the home of an operator about to sign its ceremony submission.
   * The node will not start until the collected genesis replaces it.
   */
  readonly draft?: boolean;
  readonly devnetAdmin?: boolean;
  readonly commitWaitMs?: number;
  readonly timeouts?: Partial<TimeoutParams>;
  readonly logLevel?: NodeConfig['logLevel'];
  /** RPC-10's limit per client IP; default 600 per 10 s (a load generator on loopback needs more) */
  readonly rpcRateLimit?: NodeConfig['rpc']['rateLimit'];
  /** `host:port` of the metrics listener; none by default */
  readonly metricsListen?: string;
}

export interface InitHomeResult {
  readonly peerId: string;
  /** the multiaddr peers bootstrap to, with /p2p/<peer id> */
  readonly p2pAddress: string;
  readonly rpcUrl: string;
  /** bech32 address of the validator key, when there is one */
  readonly validatorAddress?: string;
}

export async function initHome(options: InitHomeOptions): Promise<InitHomeResult> {
  const paths = homePaths(options.home);
  if (existsSync(paths.config)) {
    throw new BabyError(NodeErrorCode.HOME_EXISTS, `${options.home} is already initialised`, { home: options.home });
  }
  const genesis = options.draft === true ? genesisDraftFromJson(options.genesis) : genesisFromJson(options.genesis);
  ensureDir(options.home);
  const base = defaultConfig(options.moniker, options.p2pPort, options.rpcPort);
  const config: NodeConfig = {
    ...base,
    p2p: { ...base.p2p, bootstrap: [...(options.bootstrap ?? [])] },
    rpc: { ...base.rpc, rateLimit: options.rpcRateLimit ?? base.rpc.rateLimit },
    metrics: { listen: options.metricsListen ?? base.metrics.listen },
    consensus: {
      timeouts: { ...base.consensus.timeouts, ...options.timeouts },
      commitWaitMs: options.commitWaitMs ?? base.consensus.commitWaitMs,
    },
    devnetAdmin: options.devnetAdmin ?? false,
    logLevel: options.logLevel ?? base.logLevel,
  };
  const nodeKeySeed = options.nodeKeySeed ?? new Uint8Array(randomBytes(32));
  writeSeedFile(paths.nodeKey, nodeKeySeed);
  let validatorAddress: string | undefined;
  if (options.validatorSeed !== undefined) {
    const publicKey = publicKeyFromSeed(options.validatorSeed);
    validatorAddress = encodeAddress(addressFromPublicKey(publicKey), genesis.addressPrefix);
    writeSeedFile(paths.validatorKey, options.validatorSeed, {
      publicKey: toHex(publicKey),
      address: validatorAddress,
    });
  }
  writeFileDurable(paths.genesis, `${JSON.stringify(options.genesis, null, 2)}\n`, 0o644);
  writeFileDurable(paths.config, `${JSON.stringify(config, null, 2)}\n`, 0o644);
  const peerId = await peerIdFromSeed(nodeKeySeed);
  return {
    peerId,
    p2pAddress: `/ip4/127.0.0.1/tcp/${options.p2pPort}/p2p/${peerId}`,
    rpcUrl: `http://127.0.0.1:${options.rpcPort}`,
    ...(validatorAddress === undefined ? {} : { validatorAddress }),
  };
}

export interface InitSoloHomeOptions extends Omit<InitHomeOptions, 'genesis' | 'validatorSeed'> {
  readonly chainId: string;
  /** genesis accounts, funded; none by default */
  readonly accounts?: DevGenesisOptions['accounts'];
  /** the rest of the genesis (params, governance parameters, release version…) */
  readonly genesis?: Omit<DevGenesisOptions, 'chainId' | 'accounts' | 'validators'>;
  /** the validator's key; a fresh random one by default */
  readonly validatorSeed?: Uint8Array;
}

/**
 * A home for a chain of its own with this node as its only validator (power 10), started now: what
 * `baby init --chain-id` writes, and what a test needs to run one real node.
 */
export async function initSoloHome(
  options: InitSoloHomeOptions,
): Promise<InitHomeResult & { readonly validatorSeed: Uint8Array }> {
  const { chainId, accounts, genesis: rest, validatorSeed: given, ...init } = options;
  const validatorSeed = given ?? new Uint8Array(randomBytes(32));
  const genesis = createDevGenesis({
    genesisTimeMs: BigInt(Date.now()),
    ...rest,
    chainId,
    accounts: accounts ?? [],
    validators: [{ name: options.moniker, publicKey: publicKeyFromSeed(validatorSeed), power: 10n }],
  });
  const result = await initHome({ ...init, genesis: genesisToJson(genesis), validatorSeed });
  return { ...result, validatorSeed };
}

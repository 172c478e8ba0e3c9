/**
 * What the RPC server serves, read from the node's services: status, blocks, transactions, accounts, metrics and
 * the devnet-only denylist. Answers are the JSON of api's result schemas (heights and amounts as decimal strings,
 * bytes as hex), which `RpcBackend` types them by.
 */
import type { BlockResult, Json } from '@babychain/api';
import type { Block, Genesis, MessageName, MessageTypes, MultisigKey } from '@babychain/codec';
import { blockHash, fromHex, toHex, toJson, txId } from '@babychain/codec';
import type { CommittedBlock, ConsensusDriver, SelfValidator, ValidatorInit } from '@babychain/consensus';
import { ValidatorSet } from '@babychain/consensus';
import { addressFromPublicKey, decodeAddress, encodeAddress } from '@babychain/crypto';
import type { Mempool } from '@babychain/mempool';
import type { P2pHost } from '@babychain/p2p';
import type { BlockEvent, RpcBackend } from '@babychain/rpc';
import type { App, HistoryQuery } from '@babychain/state';
import type { UpgradeHandler } from '@babychain/upgrade';
import { decodeGovRecord, governanceStatus } from '@babychain/upgrade';
import type { ChainStore } from './chain-store.ts';
import type { NodeConfig } from './config.ts';
import type { NodeMetrics } from './metrics.ts';
import { accountTxs, committedTx, validatorSigning } from './rpc-history.ts';
import { NODE_VERSION } from './version.ts';

/** Committed blocks as they happen, for waiting on a transaction or streaming blocks. */
export class CommitEvents {
  readonly #listeners = new Set<(c: CommittedBlock) => void>();

  on(listener: (c: CommittedBlock) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(c: CommittedBlock): void {
    for (const l of this.#listeners) l(c);
  }
}

/**
 * The application as the RPC sees it: queries, and the admission check a submission runs (APP-1). Declared beside
 * its consumer (docs/architecture.md, Packages and their layers); `App` satisfies it.
 */
export type QueryApp = Pick<
  App,
  | 'info'
  | 'params'
  | 'account'
  | 'accountHistory'
  | 'blockByHeight'
  | 'blockByHash'
  | 'tx'
  | 'checkTx'
  | 'precheckTxs'
  | 'governanceRecord'
  | 'validatorSets'
>;

export interface RpcBackendDeps {
  readonly app: QueryApp;
  readonly chain: ChainStore;
  readonly mempool: Mempool;
  readonly p2p: P2pHost;
  readonly driver: ConsensusDriver;
  readonly genesis: Genesis;
  readonly config: NodeConfig;
  readonly self: SelfValidator | undefined;
  readonly metrics: NodeMetrics;
  readonly commits: CommitEvents;
  /** the upgrade handlers this software carries (UPG-4) */
  readonly handlers: readonly UpgradeHandler[];
  /** UPG-9: the heights this node was started to skip a plan at, shown in `/status` so nobody overlooks them */
  readonly unsafeSkipUpgrades: readonly bigint[];
}

/**
 * Signer kinds by hex address (the multisig key, or null for a single key): an address is the hash of its key
 * (ADDR-1, ADDR-3), so an entry never goes stale.
 */
const SIGNER_CACHE_MAX = 10_000;
/** History entries read at most to find an account's latest sent transaction. */
const HISTORY_PAGE = 200;
const HISTORY_PAGES = 5;

export function createRpcBackend(deps: RpcBackendDeps): RpcBackend {
  const { app, chain, mempool, p2p, driver, genesis, config, self, metrics, commits, handlers, unsafeSkipUpgrades } =
    deps;
  const governance = () => governanceStatus(genesis, app.governanceRecord());
  const prefix = genesis.addressPrefix;
  const signerKeys = new Map<string, MultisigKey | null>();
  let lastBlockTimeMs: { height: bigint; timeMs: bigint } | undefined;
  // One summary per committed block, fanned out to the subscribers; a failing subscriber never reaches consensus.
  const blockListeners = new Set<(e: BlockEvent) => void>();
  commits.on((c) => {
    lastBlockTimeMs = { height: c.header.height, timeMs: c.header.timeMs };
    if (blockListeners.size === 0) return;
    const event: BlockEvent = {
      summary: blockSummary(c.block, prefix),
      txIds: c.block.txs.map((tx) => toHex(txId(tx))),
    };
    for (const listener of [...blockListeners]) {
      try {
        listener(event);
      } catch {
        blockListeners.delete(listener);
      }
    }
  });

  const fullBlock = async (block: Block | undefined): Promise<Json<typeof BlockResult> | undefined> => {
    if (block?.header === undefined) return undefined;
    const commit = await chain.commit(block.header.height);
    return {
      height: String(block.header.height),
      hash: toHex(blockHash(block.header)),
      header: canonicalJson('babychain.v0.Header', block.header),
      txIds: block.txs.map((tx) => toHex(txId(tx))),
      txs: block.txs.map((tx) => toHex(tx)),
      commit: commit === undefined ? null : canonicalJson('babychain.v0.Commit', commit),
      evidence: block.evidence.map((e) => canonicalJson('babychain.v0.DuplicateVoteEvidence', e)),
    };
  };

  /** ADDR-3: the multisig key of the account's latest sent transaction, when it is one. */
  const multisigOf = async (address: Uint8Array): Promise<MultisigKey | null> => {
    const hex = toHex(address);
    const cached = signerKeys.get(hex);
    if (cached !== undefined) return cached;
    let before: HistoryQuery['before'];
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const entries = await app.accountHistory(address, {
        limit: HISTORY_PAGE,
        ...(before === undefined ? {} : { before }),
      });
      const sent = entries.find((e) => e.direction === 'sent');
      if (sent !== undefined) {
        const key = (await app.tx(sent.id))?.tx.body?.signer?.key;
        if (key === undefined) return null;
        const multisig = key.case === 'multisig' ? key.value : null;
        if (signerKeys.size >= SIGNER_CACHE_MAX) signerKeys.clear();
        signerKeys.set(hex, multisig);
        return multisig;
      }
      const last = entries.at(-1);
      if (entries.length < HISTORY_PAGE || last === undefined) return null;
      before = { height: last.height, index: last.index };
    }
    return null;
  };

  return {
    status: async () => {
      const d = driver.status();
      const info = app.info();
      if (info.height > 0n && lastBlockTimeMs?.height !== info.height) {
        const header = (await app.blockByHeight(info.height))?.header;
        if (header !== undefined) lastBlockTimeMs = { height: header.height, timeMs: header.timeMs };
      }
      const gov = governance();
      const plan = gov.plan;
      return {
        chainId: genesis.chainId,
        moniker: config.moniker,
        version: NODE_VERSION,
        nodeId: p2p.peerId,
        maturity: gov.maturity,
        height: String(info.height),
        lastBlockHash: toHex(info.lastBlockHash),
        appHash: toHex(info.appHash),
        lastBlockTimeMs: String(
          info.height > 0n && lastBlockTimeMs?.height === info.height ? lastBlockTimeMs.timeMs : genesis.genesisTimeMs,
        ),
        round: d.round,
        step: d.step,
        syncing: d.syncing,
        peers: p2p.peers().length,
        peerIds: p2p.peers(),
        validator: self === undefined ? null : selfStatus(driver.validators, self, prefix),
        blockTimeMs: d.blockTimeMs,
        finalityMs: d.finalityMs,
        evidence: d.evidence,
        mempool: { txs: mempool.size, bytes: mempool.bytes },
        appVersion: gov.appVersion,
        ...(unsafeSkipUpgrades.length === 0 ? {} : { unsafeSkipUpgrades: unsafeSkipUpgrades.map(String) }),
        upgrade:
          plan === null
            ? null
            : {
                name: plan.name,
                height: plan.height,
                version: plan.version,
                readyPower: gov.ready.power,
                totalPower: gov.ready.totalPower,
              },
        params: {
          minFee: String(app.params.minFee),
          maxBlockBytes: String(app.params.maxBlockBytes),
          maxBlockTxs: app.params.maxBlockTxs,
        },
      };
    },
    blocks: async (from, to) => {
      const out = [];
      for (let h = from; h <= to && h <= app.info().height; h++) {
        const block = await app.blockByHeight(h);
        if (block?.header !== undefined) out.push(blockSummary(block, prefix));
      }
      return out;
    },
    block: async (height) => fullBlock(await app.blockByHeight(height === 'latest' ? app.info().height : height)),
    blockByHash: async (hashHex) => fullBlock(await app.blockByHash(fromHex(hashHex))),
    tx: async (idHex) => {
      const found = await app.tx(fromHex(idHex));
      if (found !== undefined) return committedTx(found, idHex, prefix);
      return mempool.has(idHex) ? { id: idHex, pending: true } : undefined;
    },
    dropped: (idHex) => {
      const why = mempool.dropped(idHex);
      return why === undefined ? undefined : { ...why };
    },
    precheckTxs: (txs) => app.precheckTxs(txs),
    submitTx: (bytes) => {
      const result = mempool.add(bytes);
      return { id: result.idHex, status: result.status };
    },
    checkTx: async (bytes) => {
      const r = await app.checkTx(bytes);
      return {
        id: toHex(r.id),
        sender: encodeAddress(r.sender, prefix),
        recipient: encodeAddress(r.recipient, prefix),
        amount: String(r.amount),
        fee: String(r.fee),
        nonce: String(r.nonce),
        accountNonce: String(r.accountNonce),
        size: r.size,
      };
    },
    account: async (text) => {
      const address = decodeAddress(text, prefix);
      const result = await app.account(address);
      const multisig = result.account === null ? null : await multisigOf(address);
      return {
        address: text,
        balance: String(result.account?.balance ?? 0n),
        nonce: String(result.account?.nonce ?? 0n),
        height: String(result.height),
        multisig:
          multisig === null ? null : { threshold: multisig.threshold, publicKeys: multisig.publicKeys.map(toHex) },
      };
    },
    accountTxs: (text, limit, before) => accountTxs(app, prefix, text, limit, before),
    validatorSigning: (blocks) => validatorSigning(app, chain, prefix, blocks),
    validators: async (height) => {
      const next = app.info().height + 1n;
      const h = height ?? next;
      // VAL-3: the height being decided signs with the set its state put in force; a committed height with the set
      // its header names, recorded by its hash as it came into force.
      const list =
        h === next
          ? app.validatorSets().current
          : h >= 1n && h < next
            ? await chain.validatorSet((await app.blockByHeight(h))?.header?.validatorsHash ?? new Uint8Array(0))
            : undefined;
      if (list === undefined) return undefined;
      return { ...validatorsAnswer(h, list, prefix), jailed: jailedAnswer(app.governanceRecord(), prefix) };
    },
    upgrade: async () => ({
      chainId: genesis.chainId,
      height: String(app.info().height),
      nodeVersion: NODE_VERSION,
      handlers: handlers.map((h) => h.name),
      governance: governance(),
    }),
    mempool: () => ({ ...mempool.stats() }),
    subscribeBlocks: (listener) => {
      blockListeners.add(listener);
      return () => {
        blockListeners.delete(listener);
      };
    },
    metrics: () => metrics.render(),
    ...(config.devnetAdmin ? { setDenylist: (peerIds: readonly string[]) => p2p.setDenylist(peerIds) } : {}),
  };
}

/**
 * A message's canonical JSON (ENC canonical JSON) as the api schema spells it out where it is used: the codec types
 * it as any message's, so the shape is taken from the context here, and the backend tests check it against the
 * schema (checkResponses).
 */
function canonicalJson<T, N extends MessageName>(name: N, message: MessageTypes[N]): T {
  return toJson(name, message) as unknown as T;
}

function blockSummary(block: Block, prefix: string) {
  const header = block.header as NonNullable<Block['header']>;
  return {
    height: String(header.height),
    hash: toHex(blockHash(header)),
    appHash: toHex(header.appHash),
    timeMs: String(header.timeMs),
    txs: block.txs.length,
    proposer: header.proposerAddress.length === 20 ? encodeAddress(header.proposerAddress, prefix) : '',
  };
}

/** A node with a validator key: its index and power in the set of the height being decided, if it is there (VAL-3). */
function selfStatus(set: ValidatorSet, self: SelfValidator, prefix: string) {
  const index = set.indexOfPublicKey(self.publicKey);
  return {
    index: index < 0 ? null : index,
    address: encodeAddress(self.address, prefix),
    power: String(index < 0 ? 0n : set.power(index)),
  };
}

/** VAL-10: the validators the committed record holds jailed. */
function jailedAnswer(record: Uint8Array, prefix: string) {
  return decodeGovRecord(record).jailed.map((j) => ({
    publicKey: toHex(j.publicKey),
    address: encodeAddress(addressFromPublicKey(j.publicKey), prefix),
    evidenceHeight: String(j.evidenceHeight),
    jailedHeight: String(j.jailedHeight),
    name: j.validator?.name ?? null,
    power: j.validator === undefined ? null : String(j.validator.power),
    operator: j.validator === undefined ? null : encodeAddress(j.validator.operator, prefix),
  }));
}

/** `GET /validators` for the set `list` that signs `height`, in CONS-2 order with each operator (VAL-1). */
function validatorsAnswer(height: bigint, list: readonly ValidatorInit[], prefix: string) {
  const operators = new Map(list.map((v) => [toHex(v.publicKey), v.operator]));
  const set = ValidatorSet.fromGenesis(list);
  return {
    height: String(height),
    totalPower: String(set.totalPower),
    validators: set.validators.map((v) => ({
      index: v.index,
      name: v.name,
      address: encodeAddress(v.address, prefix),
      publicKey: toHex(v.publicKey),
      power: String(v.power),
      operator: encodeAddress(operators.get(toHex(v.publicKey)) ?? v.address, prefix),
    })),
  };
}

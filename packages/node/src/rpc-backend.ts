/**
 * What the RPC server serves, read from the node's services: status, blocks, transactions, accounts, metrics and
 * the devnet-only denylist. Answers are JSON-ready (heights and amounts as decimal strings, bytes as hex).
 */
import type { Block, Genesis } from '@babychain/codec';
import { encode, fromHex, sha256, toHex } from '@babychain/codec';
import type { ValidatorSet } from '@babychain/consensus';
import { decodeAddress, encodeAddress } from '@babychain/crypto';
import type { Mempool } from '@babychain/mempool';
import type { P2pHost } from '@babychain/p2p';
import type { RpcBackend } from '@babychain/rpc';
import type { App } from '@babychain/state';
import { Maturity } from '@babychain/state';
import type { ChainStore } from './chain-store.ts';
import type { NodeConfig } from './config.ts';
import type { CommittedBlock, ConsensusDriver, SelfValidator } from './driver.ts';
import type { NodeMetrics } from './metrics.ts';
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

export interface RpcBackendDeps {
  readonly app: App;
  readonly chain: ChainStore;
  readonly mempool: Mempool;
  readonly p2p: P2pHost;
  readonly driver: ConsensusDriver;
  readonly genesis: Genesis;
  readonly config: NodeConfig;
  readonly validators: ValidatorSet;
  readonly self: SelfValidator | undefined;
  readonly metrics: NodeMetrics;
  readonly commits: CommitEvents;
}

export function createRpcBackend(deps: RpcBackendDeps): RpcBackend {
  const { app, chain, mempool, p2p, driver, genesis, config, validators, self, metrics } = deps;
  const prefix = genesis.addressPrefix;
  return {
    status: () => {
      const d = driver.status();
      const info = app.info();
      return {
        chainId: genesis.chainId,
        moniker: config.moniker,
        version: NODE_VERSION,
        nodeId: p2p.peerId,
        maturity: genesis.maturity === Maturity.GROWN_UP ? 'grown-up' : 'baby',
        height: String(info.height),
        lastBlockHash: toHex(info.lastBlockHash),
        appHash: toHex(info.appHash),
        round: d.round,
        step: d.step,
        syncing: d.syncing,
        peers: p2p.peers().length,
        peerIds: p2p.peers(),
        validator:
          self === undefined
            ? null
            : {
                index: self.index,
                address: encodeAddress(self.address, prefix),
                power: String(validators.power(self.index)),
              },
        blockTimeMs: d.blockTimeMs,
        finalityMs: d.finalityMs,
        evidence: d.evidence,
        mempool: { txs: mempool.size, bytes: mempool.bytes },
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
    block: async (height) => {
      const block = await app.blockByHeight(height);
      if (block?.header === undefined) return undefined;
      const commit = await chain.commit(height);
      return {
        ...blockSummary(block, prefix),
        lastBlockHash: toHex(block.header.lastBlockHash),
        txIds: block.txs.map((tx) => toHex(sha256(tx))),
        commitRound: commit?.round ?? null,
        signers: commit?.signatures.map((s) => s.validatorIndex) ?? [],
      };
    },
    tx: async (idHex) => {
      const found = await app.tx(fromHex(idHex));
      if (found !== undefined) return { id: idHex, height: String(found.height), index: found.index };
      return mempool.has(idHex) ? { id: idHex, pending: true } : undefined;
    },
    submitTx: (bytes) => {
      const result = mempool.add(bytes);
      return { id: result.idHex, status: result.status };
    },
    account: async (text) => {
      const address = decodeAddress(text, prefix);
      const result = await app.account(address);
      return {
        address: text,
        balance: String(result.account?.balance ?? 0n),
        nonce: String(result.account?.nonce ?? 0n),
        height: String(result.height),
      };
    },
    metrics: () => {
      const d = driver.status();
      const p = p2p.metrics();
      return metrics.render({
        height: d.height,
        round: d.round,
        peers: p.peers,
        mempoolTxs: mempool.size,
        evidence: d.evidence,
        gossipIn: p.gossipIn,
        gossipRejected: p.gossipRejected,
        bans: p.bans,
        app: app.metrics,
      });
    },
    ...(config.devnetAdmin ? { setDenylist: (peerIds: readonly string[]) => p2p.setDenylist(peerIds) } : {}),
  };
}

function blockSummary(block: Block, prefix: string) {
  const header = block.header as NonNullable<Block['header']>;
  return {
    height: String(header.height),
    hash: toHex(sha256(encode('babychain.v0.Header', header))),
    appHash: toHex(header.appHash),
    timeMs: String(header.timeMs),
    txs: block.txs.length,
    proposer: header.proposerAddress.length === 20 ? encodeAddress(header.proposerAddress, prefix) : '',
  };
}

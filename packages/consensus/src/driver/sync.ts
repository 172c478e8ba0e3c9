/**
 * Block sync (P2P-5): serving committed blocks with their commits, and fetching them from a peer that is ahead,
 * each verified (CONS-8, valid(v) without the clock) before the executor applies it.
 */
import type { Block, BlocksResponse, CertifiedBlock } from '@babychain/codec';
import { blockHash, encode } from '@babychain/codec';
import type { Logger } from '@babychain/util';
import type { ConsensusApp } from '../app.ts';
import { verifyCommit } from '../signing.ts';
import { codeOf } from './code-of.ts';
import type { BlockExecutor } from './executor.ts';
import type { ConsensusNetwork } from './network.ts';
import type { SerialQueue } from './queue.ts';
import type { ConsensusStore } from './store.ts';

/** Blocks asked for per request; a response holds at most five times as many. */
const SYNC_BATCH = 20;

/** The driver's side of a sync: whether it runs, and how to leave and re-enter a height. */
export interface SyncedDriver {
  closed(): boolean;
  /** halted for an upgrade (UPG-4): no block is applied any more */
  halted(): boolean;
  /** UPG-4: true when this software must not run `height` */
  upgradeDue(height: bigint): boolean;
  /** drops the engine and timers of the height being decided: a synced block decides it */
  stopHeight(): void;
  enterHeight(height: bigint): Promise<void>;
}

export interface BlockSyncOptions {
  readonly chainId: string;
  readonly app: Pick<ConsensusApp, 'blockByHeight'>;
  readonly store: ConsensusStore;
  readonly network: ConsensusNetwork;
  readonly executor: BlockExecutor;
  readonly queue: SerialQueue;
  readonly logger: Logger;
  readonly driver: SyncedDriver;
}

export class BlockSync {
  readonly #o: BlockSyncOptions;
  #syncing = false;

  constructor(options: BlockSyncOptions) {
    this.#o = options;
  }

  get syncing(): boolean {
    return this.#syncing;
  }

  /** P2P-5: committed blocks from `from` with the commits that certify them, within `maxBytes`. */
  async serve(from: bigint, maxBlocks: number, maxBytes: number): Promise<BlocksResponse> {
    const tip = this.#o.executor.nextHeight - 1n;
    const blocks: CertifiedBlock[] = [];
    let bytes = 0;
    for (let h = from; h <= tip && blocks.length < Math.min(maxBlocks, SYNC_BATCH * 5); h++) {
      const block = await this.#o.app.blockByHeight(h);
      const commit = await this.#o.store.commit(h);
      if (block === undefined || commit === undefined) break;
      const size = encode('babychain.v0.Block', block).length + 200 * commit.signatures.length;
      if (blocks.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      blocks.push({ block, commit });
    }
    return { blocks, tipHeight: tip };
  }

  /** Fetches and applies blocks from `peer` until it has none newer; one sync at a time. */
  async from(peer: string): Promise<void> {
    const { driver, executor, network, queue } = this.#o;
    if (this.#syncing || driver.closed() || driver.halted()) return;
    this.#syncing = true;
    let applied = 0;
    try {
      for (;;) {
        const from = executor.nextHeight;
        const response = await network.requestBlocks(peer, from, SYNC_BATCH);
        if (response.blocks.length === 0) break;
        if (driver.closed()) break;
        const result = await queue.result(() => this.#apply(response.blocks, from));
        applied += result?.applied ?? 0;
        if (result === undefined || result.failed) {
          if (result?.failed) network.penalize(peer, 50, 'invalid block in sync response');
          break;
        }
        if (result.applied === 0 || executor.nextHeight - 1n >= response.tipHeight) break;
      }
    } catch (err) {
      this.#o.logger.debug('block sync stopped', { peer, code: codeOf(err) }, err);
    } finally {
      this.#syncing = false;
    }
    if (applied > 0) {
      this.#o.logger.info('synced blocks', { peer, applied, height: String(executor.nextHeight - 1n) });
      await queue.run(() => driver.enterHeight(executor.nextHeight));
    }
  }

  /** Applies certified blocks starting at `from` until one does not verify; says how many and whether one failed. */
  async #apply(blocks: readonly CertifiedBlock[], from: bigint): Promise<{ applied: number; failed: boolean }> {
    const { driver, executor } = this.#o;
    let applied = 0;
    if (from !== executor.nextHeight) return { applied, failed: false }; // consensus moved on meanwhile
    for (const certified of blocks) {
      const header = certified.block?.header;
      const commit = certified.commit;
      if (header === undefined || commit === undefined || header.height !== executor.nextHeight) {
        return { applied, failed: true };
      }
      if (driver.halted() || driver.upgradeDue(header.height)) return { applied, failed: false };
      try {
        verifyCommit(this.#o.chainId, executor.sets.current, header.height, blockHash(header), commit);
        executor.validateBlock(certified.block as Block, { clock: false });
        await executor.offencesOf(certified.block as Block); // CONS-13, before the block is stored as decided
      } catch (err) {
        this.#o.logger.warn('sync block refused', { height: String(header.height), code: codeOf(err) });
        return { applied, failed: true };
      }
      driver.stopHeight();
      try {
        await executor.commit(certified, 'sync');
      } catch (err) {
        const ctx = { height: String(header.height), code: codeOf(err) };
        this.#o.logger.error('a certified block failed to apply', ctx, err);
        return { applied, failed: true };
      }
      applied++;
    }
    return { applied, failed: false };
  }
}

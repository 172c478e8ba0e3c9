/**
 * The one block executor (model: CometBFT's state/execution.go): it creates the proposer's block, judges a proposed
 * or synced block (valid(v), CONS-6, with every consensus-level check in `validateBlock`), and applies a decided
 * block to the state machine (APP-4, APP-5) after storing it (CONS-12). It owns the head: the last block's header,
 * hash and commit, which the next block links to.
 */
import type { Block, CertifiedBlock, Commit, DuplicateVoteEvidence, Header } from '@babychain/codec';
import {
  BabyError,
  blockHash,
  bytesEqual,
  commitHash,
  create,
  EVIDENCE_MAX_AGE,
  evidenceHash,
  toHex,
} from '@babychain/codec';
import type { Logger } from '@babychain/util';
import { DurationWindow } from '@babychain/util';
import type { AppCommit, ConsensusApp, Offence } from '../app.ts';
import { ConsensusErrorCode } from '../errors.ts';
import { evidenceHeights, resolveEvidence } from '../evidence.ts';
import { verifyCommit } from '../signing.ts';
import { type ValidatorInit, type ValidatorSet, ValidatorSetCache } from '../validators.ts';
import type { Wal } from '../wal.ts';
import type { Clock } from './clock.ts';
import { codeOf } from './code-of.ts';
import type { ConsensusStore } from './store.ts';

/** CONS-6: a proposal whose block time is further ahead of this node's clock is not valid (prevote nil). */
export const MAX_CLOCK_DRIFT_MS = 5000n;

export interface CommittedBlock {
  readonly block: Block;
  readonly header: Header;
  readonly hash: Uint8Array;
  readonly result: AppCommit;
  /** VAL-3: the set that signed the block's `last_commit` (of the height before it) */
  readonly lastCommitSet: ValidatorSet;
  /** how the node learned the decision */
  readonly via: 'consensus' | 'sync' | 'replay';
}

export interface BlockLimits {
  readonly maxBytes: number;
  readonly maxTxs: number;
}

/** VAL-3: the sets around the height to decide next, `h`: of `h − 1`, of `h` and of `h + 1`. */
export interface HeightSets {
  readonly previous: ValidatorSet;
  readonly current: ValidatorSet;
  readonly next: ValidatorSet;
}

export interface BlockExecutorOptions {
  readonly chainId: string;
  /** the state machine, through consensus's own connection to it */
  readonly app: ConsensusApp;
  readonly store: ConsensusStore;
  readonly wal: Pick<Wal, 'prune'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** transactions for a new block, in mempool order */
  readonly reap: (limits: BlockLimits) => Uint8Array[];
  /** after each committed block: the node updates its mempool and tells subscribers */
  readonly onCommitted: (committed: CommittedBlock) => void;
  /** after each committed block: how many pieces of evidence the store holds once the expired ones are gone */
  readonly onEvidenceHeld?: (count: number) => void;
}

export class BlockExecutor {
  readonly #o: BlockExecutorOptions;
  #lastCommit: Commit | undefined;
  #lastHeader: Header | undefined;
  /** the last committed height (-1 until `load`) and its block hash (empty at height 0) */
  #head = -1n;
  #headHash: Uint8Array = new Uint8Array(0);
  readonly #setCache = new ValidatorSetCache();
  /** the hashes of the sets recorded in the store since start (each once) */
  readonly #recorded = new Set<string>();
  #sets: HeightSets | undefined;
  readonly blockTimes = new DurationWindow();
  readonly finality = new DurationWindow();

  constructor(options: BlockExecutorOptions) {
    this.#o = options;
  }

  /** The height to decide next: the last committed + 1 (0 until `load`). */
  get nextHeight(): bigint {
    return this.#head + 1n;
  }

  /** VAL-3: the sets around `nextHeight`, read from the committed state; moves with the head. */
  get sets(): HeightSets {
    if (this.#sets === undefined) throw new Error('the block executor is not loaded');
    return this.#sets;
  }

  /** The set that signs `height`, when it is the height to decide or the one after; else undefined. */
  setFor(height: bigint): ValidatorSet | undefined {
    const next = this.nextHeight;
    if (height === next) return this.sets.current;
    return height === next + 1n ? this.sets.next : undefined;
  }

  /** Reads the sets around the next height from the committed state, and records each new one by its hash. */
  async #readSets(): Promise<void> {
    const lists = this.#o.app.validatorSets();
    const cache = this.#setCache;
    const sets: HeightSets = {
      previous: cache.of(lists.last),
      current: cache.of(lists.current),
      next: cache.of(lists.next),
    };
    this.#sets = sets;
    // Each list is recorded as the app gave it: it carries the operators, which a ValidatorSet does not keep.
    const recordable: [ValidatorSet, readonly ValidatorInit[]][] = [
      [sets.previous, lists.last],
      [sets.current, lists.current],
      [sets.next, lists.next],
    ];
    for (const [set, list] of recordable) {
      const hex = toHex(set.hash);
      if (this.#recorded.has(hex)) continue;
      await this.#o.store.saveValidatorSet(set.hash, list);
      this.#recorded.add(hex);
    }
  }

  /**
   * CONS-12 steps 1 and 2: applies the block decided before a restart if the state machine did not commit it, then
   * loads the commit of the head. Returns the head height.
   */
  async load(): Promise<bigint> {
    const app = this.#o.app;
    let info = app.info();
    await this.#readSets();
    const decided = await this.#o.store.decided();
    const decidedHeight = decided?.block?.header?.height;
    if (decided !== undefined && decidedHeight === info.height + 1n) {
      this.#o.logger.info('applying the block decided before the restart', { height: String(decidedHeight) });
      await this.#apply(decided, 'replay');
      info = app.info();
    }
    if (info.height > 0n) {
      const commit = await this.#o.store.commit(info.height);
      if (commit === undefined) {
        throw new BabyError(
          ConsensusErrorCode.MISSING_COMMIT,
          `no commit is stored for the head height ${info.height}`,
          { rule: 'CONS-12' },
        );
      }
      this.#lastCommit = commit;
      this.#lastHeader = (await app.blockByHeight(info.height))?.header;
    }
    this.#head = info.height;
    this.#headHash = info.lastBlockHash;
    await this.#readSets();
    return info.height;
  }

  /** specs/consensus.md, the proposer's block: APP-2 over the mempool's candidates, linked to the head (BLK-8). */
  async createBlock(height: bigint, proposer: Uint8Array): Promise<Block> {
    const app = this.#o.app;
    const params = app.params;
    const parentTime = this.#lastHeader?.timeMs ?? app.genesis.genesisTimeMs;
    const now = BigInt(this.#o.clock.now());
    const timeMs = now > parentTime ? now : parentTime + 1n;
    const candidates = this.#o.reap({ maxBytes: Number(params.maxBlockBytes), maxTxs: params.maxBlockTxs });
    const evidence = await this.#pendingEvidence(height);
    const prepared = await app.prepareProposal({ height, timeMs, proposerAddress: proposer, candidates, evidence });
    const lastCommit = this.#lastCommit;
    const header = create('babychain.v0.Header', {
      version: app.headerVersion(height),
      chainId: this.#o.chainId,
      height,
      timeMs,
      lastBlockHash: this.#headHash,
      lastCommitHash: lastCommit === undefined ? new Uint8Array(0) : commitHash(lastCommit),
      txRoot: prepared.txRoot,
      validatorsHash: this.sets.current.hash,
      nextValidatorsHash: this.sets.next.hash,
      appHash: prepared.appHash,
      proposerAddress: proposer,
      evidenceHash: evidenceHash(prepared.evidence),
    });
    return create('babychain.v0.Block', {
      header,
      txs: prepared.txs,
      ...(lastCommit === undefined ? {} : { lastCommit }),
      evidence: prepared.evidence,
    });
  }

  /**
   * CONS-13's proposer rule: the stored evidence that passes at `height`, oldest first, one piece per offence (the
   * state machine keeps the ones it admits, APP-2).
   */
  async #pendingEvidence(height: bigint): Promise<{ evidence: DuplicateVoteEvidence; offence: Offence }[]> {
    // The store answers only heights within the age limit; one at this height cannot be in its own block yet.
    const stored = await this.#o.store.evidence(height > EVIDENCE_MAX_AGE ? height - EVIDENCE_MAX_AGE : 0n);
    // One piece per (height, validator index) is one offence (an index names one key in its height's set): the other
    // pieces would only be verified to be left out.
    const seen = new Set<string>();
    const live = stored.filter((e) => {
      const at = e.voteA?.height ?? 0n;
      const id = `${at}:${e.voteA?.validatorIndex}`;
      if (at >= height || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (live.length === 0) return [];
    const setAt = await this.#setsAt(live.map((e) => e.voteA?.height ?? 0n));
    const out: { evidence: DuplicateVoteEvidence; offence: Offence }[] = [];
    for (const evidence of live) {
      try {
        out.push({ evidence, offence: resolveEvidence(this.#o.chainId, height, evidence, setAt) });
      } catch (err) {
        this.#o.logger.warn('stored evidence is not valid in a block', { height: String(height), code: codeOf(err) });
      }
    }
    return out;
  }

  /**
   * VAL-3 for evidence (CONS-13): the sets of `heights` (each below the height to decide), from this node's history:
   * each height's header names its set's hash, and the store keeps every set seen in force by its hash.
   */
  async #setsAt(heights: readonly bigint[]): Promise<(h: bigint) => ValidatorSet | undefined> {
    const sets = new Map<bigint, ValidatorSet>();
    for (const at of new Set(heights)) {
      if (at === this.nextHeight - 1n) {
        sets.set(at, this.sets.previous);
        continue;
      }
      const hash = (await this.#o.app.blockByHeight(at))?.header?.validatorsHash;
      const list = hash === undefined ? undefined : await this.#o.store.validatorSet(hash);
      if (list !== undefined) sets.set(at, this.#setCache.of(list));
    }
    return (h) => sets.get(h);
  }

  /** CONS-13: the offence of each piece of the block's evidence, in order; throws CONS_BAD_EVIDENCE for a bad one. */
  async offencesOf(block: Block): Promise<Offence[]> {
    if (block.evidence.length === 0) return [];
    const height = (block.header as Header).height;
    // the count and the heights first: a proposer cannot make this node read history or verify without bound
    const setAt = await this.#setsAt(evidenceHeights(height, block.evidence));
    return block.evidence.map((e) => resolveEvidence(this.#o.chainId, height, e, setAt));
  }

  /**
   * valid(v) steps 1 to 4 (CONS-6), in the spec's order; `offencesOf` is step 5 (CONS-13) and the state machine
   * checks the rest (step 6, APP-3). A synced block skips the clock check: it was decided long ago.
   */
  validateBlock(block: Block, options: { clock: boolean }): void {
    const header = block.header as Header;
    const { previous, current: set, next } = this.sets;
    const bad = (rule: string, message: string) => new BabyError(ConsensusErrorCode.BAD_BLOCK, message, { rule });
    if (!bytesEqual(header.validatorsHash, set.hash))
      throw bad('VAL-3', 'validators_hash is not the set of its height');
    if (!bytesEqual(header.nextValidatorsHash, next.hash)) {
      throw bad('VAL-3', 'next_validators_hash is not the set of the height after it');
    }
    if (set.indexOfAddress(header.proposerAddress) < 0) throw bad('CONS-6', 'the proposer is not a validator');
    if (options.clock && header.timeMs > BigInt(this.#o.clock.now()) + MAX_CLOCK_DRIFT_MS) {
      throw bad('CONS-6', 'the block time is too far ahead of this node');
    }
    if (header.height === 1n) return;
    const last = block.lastCommit;
    if (last === undefined) throw bad('CONS-8', 'the block has no last commit');
    verifyCommit(this.#o.chainId, previous, header.height - 1n, header.lastBlockHash, last);
  }

  /** valid(v) (CONS-6): the consensus-level checks, the evidence's, then the state machine's (APP-3). Logs why not. */
  async judge(block: Block): Promise<boolean> {
    const header = block.header;
    if (header === undefined) return false;
    try {
      this.validateBlock(block, { clock: true });
      await this.#o.app.processProposal(block, await this.offencesOf(block));
      return true;
    } catch (err) {
      this.#o.logger.warn('proposed block is invalid', { height: String(header.height), code: codeOf(err) });
      return false;
    }
  }

  /** CONS-12: stores the decision durably, then applies it. */
  async commit(certified: CertifiedBlock, via: CommittedBlock['via']): Promise<void> {
    await this.#o.store.saveDecided(certified);
    await this.#apply(certified, via);
  }

  /** Applies a decided block to the state machine and moves the head. */
  async #apply(certified: CertifiedBlock, via: CommittedBlock['via']): Promise<void> {
    const block = certified.block as Block;
    const header = block.header as Header;
    const app = this.#o.app;
    await app.finalizeBlock(block, await this.offencesOf(block));
    const result = await app.commit();
    const hash = blockHash(header);
    const lastCommitSet = this.sets.previous;
    if (via === 'consensus' && this.#lastHeader !== undefined) {
      this.blockTimes.add(Number(header.timeMs - this.#lastHeader.timeMs));
    }
    if (via === 'consensus') this.finality.add(Math.max(0, this.#o.clock.now() - Number(header.timeMs)));
    this.#lastCommit = certified.commit;
    this.#lastHeader = header;
    this.#head = header.height;
    this.#headHash = hash;
    await this.#readSets();
    await this.#o.wal.prune(header.height);
    // CONS-13: evidence of a height no later block may carry is kept no longer
    const expired = header.height + 1n - EVIDENCE_MAX_AGE;
    if (expired > 0n) this.#o.onEvidenceHeld?.(await this.#o.store.pruneEvidence(expired));
    this.#o.onCommitted({ block, header, hash, result, lastCommitSet, via });
    this.#o.logger.info('committed', {
      height: String(header.height),
      hash: toHex(hash),
      txs: block.txs.length,
      round: certified.commit?.round ?? 0,
      via,
    });
  }
}

/**
 * APP-3's header checks against the committed head (specs/state.md, specs/blocks.md), in the order the spec gives:
 * BLK-4 (chain id, then height), BLK-3, BLK-5, BLK-8, BLK-9. The first failure is the error. Consensus's own
 * checks of a block (CONS-6) are its executor's.
 */
import type { Block, Header } from '@babychain/codec';
import { BabyError, bytesEqual, commitHash, evidenceHash, toHex } from '@babychain/codec';
import type { Head } from './app-load.ts';
import { BlockErrorCode } from './errors.ts';

const ADDRESS_BYTES = 20;

/** The committed head a block builds on, and the chain's id. */
export interface Parent extends Head {
  readonly chainId: string;
}

/** BLK-4, BLK-3 (the app version in force, UPG-3), BLK-5, BLK-8 and BLK-9 of a proposed or decided block. */
export function validateHeader(block: Block, header: Header, parent: Parent, version: number): void {
  if (header.chainId !== parent.chainId) {
    throw new BabyError(
      BlockErrorCode.WRONG_CHAIN_ID,
      `block is for chain "${header.chainId}", this is "${parent.chainId}"`,
      { rule: 'BLK-4', expected: parent.chainId, got: header.chainId },
    );
  }
  checkHeight(header.height, parent);
  if (header.version !== version) {
    throw new BabyError(
      BlockErrorCode.BAD_VERSION,
      `block version is ${header.version}, the app version in force at height ${header.height} is ${version}`,
      { rule: 'BLK-3', expected: version, got: header.version },
    );
  }
  checkTime(header.timeMs, parent);
  checkLinks(header, block, parent);
  checkProposer(header.proposerAddress);
}

/** BLK-4 (height) */
export function checkHeight(height: bigint, parent: Parent): void {
  const expected = parent.height + 1n;
  if (height !== expected) {
    throw new BabyError(BlockErrorCode.BAD_HEIGHT, `block height is ${height}, the next height is ${expected}`, {
      rule: 'BLK-4',
      expected,
      got: height,
    });
  }
}

/** BLK-5; the genesis time stands for the parent's at height 1. */
export function checkTime(timeMs: bigint, parent: Parent): void {
  if (timeMs <= parent.timeMs) {
    throw new BabyError(BlockErrorCode.BAD_TIME, `block time ${timeMs} is not after the parent's ${parent.timeMs}`, {
      rule: 'BLK-5',
      parentTimeMs: parent.timeMs,
      got: timeMs,
    });
  }
}

/** BLK-8 against the stored parent; what the last commit certifies is consensus's to check (CONS-8). */
function checkLinks(header: Header, block: Block, parent: Parent): void {
  const bad = (message: string) => new BabyError(BlockErrorCode.BAD_LINK, message, { rule: 'BLK-8' });
  if (header.height === 1n) {
    if (header.lastBlockHash.length !== 0) throw bad('the first block has a last_block_hash');
    if (header.lastCommitHash.length !== 0) throw bad('the first block has a last_commit_hash');
    if (block.lastCommit !== undefined) throw bad('the first block has a last_commit');
    return;
  }
  if (!bytesEqual(header.lastBlockHash, parent.blockHash)) {
    throw bad(`last_block_hash is not the hash of block ${parent.height}`);
  }
  if (block.lastCommit === undefined) throw bad('the block has no last_commit');
  if (!bytesEqual(header.lastCommitHash, commitHash(block.lastCommit))) {
    throw bad('last_commit_hash is not the hash of last_commit');
  }
}

/** BLK-9 as far as the state machine needs it: the fees go to a 20-byte address (ADDR-1). */
export function checkProposer(address: Uint8Array): void {
  if (address.length !== ADDRESS_BYTES) {
    throw new BabyError(BlockErrorCode.BAD_PROPOSER, `proposer_address is ${address.length} bytes, an address is 20`, {
      rule: 'BLK-9',
    });
  }
}

/** BLK-6: the header's tx root is the Merkle root of the transactions' ids. */
export function checkTxRoot(header: Header, txRoot: Uint8Array): void {
  const message = 'tx_root is not the Merkle root of the transaction ids';
  checkRoot(BlockErrorCode.BAD_TX_ROOT, 'BLK-6', message, txRoot, header.txRoot);
}

/**
 * BLK-11: at most `max` pieces of evidence (MAX_BLOCK_EVIDENCE; 0 for a state machine without governance, which
 * executes none), and the header's evidence hash commits to them.
 */
export function checkEvidence(block: Block, header: Header, max: number): void {
  const count = block.evidence.length;
  if (count > max) {
    throw new BabyError(
      BlockErrorCode.TOO_MUCH_EVIDENCE,
      `the block carries ${count} pieces of evidence, at most ${max}`,
      {
        rule: 'BLK-11',
        count,
        max,
      },
    );
  }
  const root = evidenceHash(block.evidence);
  if (!bytesEqual(root, header.evidenceHash)) {
    throw new BabyError(BlockErrorCode.BAD_EVIDENCE_HASH, 'evidence_hash is not the Merkle root of the evidence', {
      rule: 'BLK-11',
      expected: toHex(root),
      got: toHex(header.evidenceHash),
    });
  }
}

/** BLK-7: the header's app hash is the state root after the block. */
export function checkAppHash(header: Header, root: Uint8Array): void {
  checkRoot(
    BlockErrorCode.BAD_APP_HASH,
    'BLK-7',
    'app_hash is not the state root after the block',
    root,
    header.appHash,
  );
}

function checkRoot(
  code: typeof BlockErrorCode.BAD_TX_ROOT | typeof BlockErrorCode.BAD_APP_HASH,
  rule: string,
  message: string,
  computed: Uint8Array,
  inHeader: Uint8Array,
): void {
  if (!bytesEqual(computed, inHeader)) {
    throw new BabyError(code, message, { rule, expected: toHex(computed), got: toHex(inHeader) });
  }
}

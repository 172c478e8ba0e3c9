/**
 * A light client's header chain (specs/validators.md VAL-3, VAL-7; specs/consensus.md CONS-2, CONS-8; BLK-8): from a
 * header the caller trusts, each header after it is accepted only when it links to the one before, the set that signs
 * it is the one the header before announced (`next_validators_hash`), and its commit holds more than two thirds of
 * that set's power. The node supplies headers, commits and sets and is trusted for none of them: each is checked
 * against a hash already verified, so the chain follows every validator-set change without executing a block.
 */
import type { Header } from '@babychain/codec';
import { blockHash, bytesEqual, fromHex, isBabyError, toHex } from '@babychain/codec';
import { ValidatorSet, verifyCommit } from '@babychain/consensus';
import type { BlockRecord, ValidatorsInfo } from './answers.ts';
import { ClientErrorCode, clientError } from './errors.ts';

/** The node queries a header chain needs (BabyClient has them). */
export interface HeaderSource {
  block(height: bigint): Promise<BlockRecord>;
  validators(height?: bigint): Promise<ValidatorsInfo>;
}

/** A header the caller trusts, from a source of its own: a block explorer, a friend, its own node's genesis block. */
export interface TrustedHeader {
  readonly height: bigint;
  /** the block hash (BLK-1), hex or bytes */
  readonly hash: Uint8Array | string;
}

export interface VerifiedHeader {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly header: Header;
  /** the set that signed it (VAL-3), in CONS-2 order */
  readonly validators: ValidatorSet;
}

function unverified(height: bigint, reason: string, message: string, cause?: unknown): Error {
  const detail = cause !== undefined && isBabyError(cause) ? { code: cause.code } : {};
  return clientError(ClientErrorCode.UNVERIFIED, `height ${height}: ${message}`, { height, reason, ...detail }, cause);
}

/** The set the node says signs `height`, accepted only if it hashes to `expected` (CONS-2). */
async function setOf(source: HeaderSource, height: bigint, expected: Uint8Array): Promise<ValidatorSet> {
  const info = await source.validators(height);
  const set = ValidatorSet.fromGenesis(
    info.validators.map(({ name, publicKey, power }) => ({ name, publicKey, power })),
  );
  if (!bytesEqual(set.hash, expected)) {
    throw unverified(height, 'validators-hash', 'the validator set the node gave does not hash to the header');
  }
  return set;
}

/** CONS-8: the block's commit certifies its header under `set`. */
function checkCommit(chainId: string, block: BlockRecord, set: ValidatorSet, hash: Uint8Array): void {
  if (block.commit === null) throw unverified(block.height, 'commit', 'the node gave no commit for the block');
  try {
    verifyCommit(chainId, set, block.height, hash, block.commit);
  } catch (err) {
    throw unverified(block.height, 'commit', 'the commit does not certify the block', err);
  }
}

/**
 * Verifies the headers from `trusted.height` to `to`, each signed by the set its predecessor announced; returns them
 * in height order. Throws CLIENT_UNVERIFIED (with `meta.height` and `meta.reason`: trusted-hash, link,
 * validators-hash, next-validators, commit) at the first header that does not follow; node errors propagate.
 */
export async function verifyHeaderChain(
  source: HeaderSource,
  chainId: string,
  trusted: TrustedHeader,
  to: bigint,
): Promise<VerifiedHeader[]> {
  const first = await source.block(trusted.height);
  const firstHash = blockHash(first.header);
  const trustedHash = typeof trusted.hash === 'string' ? fromHex(trusted.hash) : trusted.hash;
  if (!bytesEqual(firstHash, trustedHash)) {
    throw unverified(trusted.height, 'trusted-hash', `the node's block hash is ${toHex(firstHash)}`);
  }
  if (first.header.chainId !== chainId) {
    throw unverified(trusted.height, 'trusted-hash', `the block is of chain "${first.header.chainId}"`);
  }
  let set = await setOf(source, trusted.height, first.header.validatorsHash);
  checkCommit(chainId, first, set, firstHash);
  const out: VerifiedHeader[] = [{ height: trusted.height, hash: firstHash, header: first.header, validators: set }];
  for (let height = trusted.height + 1n; height <= to; height++) {
    const previous = out[out.length - 1] as VerifiedHeader;
    const block = await source.block(height);
    const header = block.header;
    const hash = blockHash(header);
    if (header.height !== height || !bytesEqual(header.lastBlockHash, previous.hash)) {
      throw unverified(height, 'link', 'the header does not follow the one before it (BLK-8)');
    }
    // VAL-7: the header before named this height's set; a set it did not name signs nothing here
    if (!bytesEqual(header.validatorsHash, previous.header.nextValidatorsHash)) {
      throw unverified(height, 'next-validators', 'the header names a set its parent did not announce');
    }
    if (!bytesEqual(header.validatorsHash, set.hash)) set = await setOf(source, height, header.validatorsHash);
    checkCommit(chainId, block, set, hash);
    out.push({ height, hash, header, validators: set });
  }
  return out;
}

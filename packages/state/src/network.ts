/** The names a chain's nodes meet under (specs/p2p.md P2P-2): its chain id and the tag of its genesis. */
import type { Genesis } from '@babychain/codec';
import { toHex } from '@babychain/codec';
import { genesisHash } from './genesis.ts';

/** P2P-2: the genesis tag is the first 8 bytes of the genesis hash, as 16 lowercase hex digits. */
export const GENESIS_TAG_BYTES = 8;

/**
 * P2P-2: `/babychain/<chain id>/<genesis tag>`, the prefix of every topic and protocol name of the chain, so that
 * nodes started from different genesis files never share one, from the first byte of a connection on.
 */
export function networkName(genesis: Genesis): string {
  return `/babychain/${genesis.chainId}/${toHex(genesisHash(genesis).subarray(0, GENESIS_TAG_BYTES))}`;
}

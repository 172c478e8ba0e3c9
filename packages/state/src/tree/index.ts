// The state commitment (specs/state.md STATE-8..STATE-11): hashes, the stored tree, proofs and their check.
export { accountKey, EMPTY_HASH, leafHash, valueHash } from './hash.ts';
export { verifyStateProof } from './proof.ts';
export { referenceRoot } from './reference.ts';
export type { StateTreeOptions, StateTreeStats, TreeCheck, TreeReader, TreeUpdate, TreeWrite } from './tree.ts';
export { StateTree } from './tree.ts';

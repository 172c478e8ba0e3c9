// @babychain/consensus in a browser (the `browser` export condition): what a light client needs to check headers and
// commits (CONS-2, CONS-8), with nothing that reaches a file or a node: module. Node resolves src/index.ts.
export { ConsensusErrorCode, type ConsensusErrorCodeValue } from './errors.ts';
export { verifyCommit } from './signing.ts';
export { type ValidatorInit, ValidatorSet } from './validators.ts';

// @babychain/consensus: public surface (README.md). Everything else in src/ is internal.

export type {
  AppCommit,
  ConsensusApp,
  ConsensusAppInfo,
  Offence,
  PreparedProposal,
  ProposalRequest,
} from './app.ts';
export type { Clock } from './driver/clock.ts';
export { ConsensusDriver } from './driver/driver.ts';
export type { BlockLimits, CommittedBlock } from './driver/executor.ts';
export type { ConsensusHandlers, ConsensusNetwork, Verdict } from './driver/network.ts';
export type {
  DriverOptions,
  DriverStatus,
  SelfValidator,
  UpgradeHalt,
} from './driver/options.ts';
export type { ConsensusStore } from './driver/store.ts';
export { ConsensusEngine, type EngineOptions, type EngineState } from './engine.ts';
export { ConsensusErrorCode, type ConsensusErrorCodeValue } from './errors.ts';
export { resolveEvidence } from './evidence.ts';
export { consensusFiles } from './files.ts';
export { compareSigned, DoubleSignGuard, parseLastSigned, type SignedStep, type SignRequest } from './guard.ts';
export {
  proposalSignBytes,
  signProposal,
  signVote,
  verifyCommit,
  verifyEvidence,
  verifyProposal,
  verifyVote,
  voteSignBytes,
} from './signing.ts';
export {
  DEFAULT_TIMEOUTS,
  type EngineInput,
  type EngineOutput,
  NO_ROUND,
  Step,
  type StepValue,
  type TimeoutParams,
  TimeoutStep,
  type TimeoutStepValue,
  type ValidatorSetView,
  VoteType,
  type VoteTypeValue,
} from './types.ts';
export { type Validator, type ValidatorInit, ValidatorSet } from './validators.ts';
export { Wal, type WalOpenResult, walFileHeight } from './wal.ts';

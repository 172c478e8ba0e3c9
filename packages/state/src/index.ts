export { App } from './app.ts';
export { treeChanges } from './app-load.ts';
export { type AppMetrics, emptyAppMetrics } from './app-metrics.ts';
export type {
  AppInfo,
  AppOptions,
  BlockResult,
  CheckTxResult,
  CommitResult,
  PrepareProposalResult,
  ResolvedEvidence,
} from './app-types.ts';
export {
  BlockErrorCode,
  type BlockErrorCodeValue,
  GenesisErrorCode,
  type GenesisErrorCodeValue,
  StateErrorCode,
  TxErrorCode,
  type TxErrorCodeValue,
} from './errors.ts';
export {
  type AccountMap,
  type BlockContext,
  type Execution,
  executeBlockTxs,
  type GovernanceContext,
  type TxResult,
} from './execute.ts';
export {
  createDevGenesis,
  DEFAULT_GOV_PARAMS,
  DEFAULT_PARAMS,
  type DevGenesisOptions,
  type GenesisJson,
  genesisDraftFromJson,
  genesisFromJson,
  genesisHash,
  genesisOperator,
  genesisParams,
  genesisSupply,
  genesisToJson,
  genesisValidators,
  Maturity,
  parseGenesis,
  validateGenesis,
  validateGovParams,
  validateParams,
  withGovDefaults,
} from './genesis.ts';
export type {
  AccountAccess,
  ExecutingBlock,
  Governance,
  GovernanceBlock,
  GovernanceView,
  Offence,
} from './governance.ts';
export { GENESIS_TAG_BYTES, networkName } from './network.ts';
export {
  committedRefusal,
  feeRefusal,
  fundsRefusal,
  nonceRefusal,
  spendName,
  txSpend,
} from './refusals.ts';
export { type ChainRules, rulesFor } from './rules.ts';
export { type CheckedTx, checkTx, checkTxBytes } from './stateless.ts';
export type { HistoryEntry, HistoryQuery } from './store.ts';
export { accountKey, EMPTY_HASH, StateTree, type TreeReader, valueHash, verifyStateProof } from './tree/index.ts';
export { BAD_VERSION_CODE, compareVersions, parseVersion } from './version.ts';

export {
  App,
  type AppInfo,
  type AppMetrics,
  type AppOptions,
  type BlockResult,
  type CheckTxResult,
  type CommitResult,
  type PrepareProposalResult,
  treeChanges,
} from './app.ts';
export {
  BlockErrorCode,
  type BlockErrorCodeValue,
  GenesisErrorCode,
  type GenesisErrorCodeValue,
  StateErrorCode,
  TxErrorCode,
  type TxErrorCodeValue,
} from './errors.ts';
export { type AccountMap, type BlockContext, type Execution, executeBlockTxs, type TxResult } from './execute.ts';
export {
  createDevGenesis,
  DEFAULT_PARAMS,
  type DevGenesisOptions,
  type GenesisJson,
  genesisFromJson,
  genesisHash,
  genesisParams,
  genesisSupply,
  genesisToJson,
  Maturity,
  parseGenesis,
  validateGenesis,
} from './genesis.ts';
export { type CheckedTx, checkTx, checkTxBytes, MAX_MEMO_BYTES } from './stateless.ts';
export { accountKey, EMPTY_HASH, StateTree, type TreeReader, valueHash, verifyStateProof } from './tree/index.ts';

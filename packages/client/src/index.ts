// The public surface of @babychain/client (README.md). No `node:` imports anywhere under src/ outside tests.
export {
  type AccountInfo,
  BabyClient,
  type BlockInfo,
  type BlockSummary,
  type CheckResult,
  type ClientOptions,
  DEFAULT_TIMEOUT_MS,
  type DurationSummary,
  type Maturity,
  type MempoolInfo,
  type MultisigInfo,
  type NodeStatus,
  type SubmitMode,
  type SubmitResult,
  type TxInfo,
  type ValidatorInfo,
  type ValidatorsInfo,
  type WaitOptions,
} from './client.ts';
export { ClientErrorCode } from './errors.ts';
export {
  addressPrefix,
  sendTransfer,
  type TransferOptions,
  type TransferResult,
  txIdHex,
} from './send.ts';
export {
  assembleTx,
  bodyFromJson,
  bodyToJson,
  signBody,
  signedTransfer,
  type TransferRequest,
  transferBody,
} from './transfer.ts';

// The public surface of @babychain/client (README.md). No `node:` imports anywhere under src/ outside tests.

// the types the offline signing functions take and return (transferBody, signBody, readUnsignedFile, ...)
export type { MultisigKey, Signature, TxBody } from '@babychain/codec';
// What a wallet or an app needs besides the client, so that @babychain/client is the one package to install: errors
// and hex from codec, keys and addresses from crypto (its browser entry in a browser bundle).
export { BabyError, fromHex, isBabyError, toHex } from '@babychain/codec';
export {
  accountPath,
  addressFromPublicKey,
  CryptoErrorCode,
  DEFAULT_ADDRESS_PREFIX,
  decodeAddress,
  deriveAccountKey,
  encodeAddress,
  generateMnemonic,
  publicKeyFromSeed,
  validateMnemonic,
} from '@babychain/crypto';
export { BABY_DECIMALS, formatAmount, MAX_AMOUNT, parseAmount, UBABY_PER_BABY } from './amount.ts';
export type {
  AccountInfo,
  AccountTx,
  AccountTxsPage,
  AppliedUpgradeInfo,
  AttestationInfo,
  BatchEntry,
  BlockEvent,
  BlockRecord,
  BlockSummary,
  BlocksPage,
  CheckResult,
  DurationSummary,
  GovernanceInfo,
  GovParamsInfo,
  Maturity,
  MempoolInfo,
  MultisigInfo,
  NodeStatus,
  PlanDecisionInfo,
  PlanInfo,
  ProposalEntry,
  ProposalInfo,
  ProposalKind,
  ProposalOutcome,
  ProposalResultInfo,
  ProposalsPage,
  ScheduledUpgrade,
  SubmitMode,
  SubmitResult,
  TallyInfo,
  TxInfo,
  UpgradeStatus,
  ValidatorInfo,
  ValidatorSigningInfo,
  ValidatorsInfo,
} from './answers.ts';
export { BabyClient, type ClientOptions, DEFAULT_TIMEOUT_MS, type WaitOptions } from './client.ts';
export { type AmountProblem, ClientErrorCode } from './errors.ts';
export {
  type AttestRequest,
  attestBody,
  type GovTxFields,
  type ProposalContent,
  type ProposalRequest,
  proposalBody,
  type ReadyRequest,
  readyBody,
  sendGovernanceTx,
  VOTE_CHOICES,
  type VoteChoice,
  type VoteRequest,
  voteBody,
} from './governance.ts';
export { type HeaderSource, type TrustedHeader, type VerifiedHeader, verifyHeaderChain } from './light.ts';
export {
  combineSignatures,
  memberIndex,
  multisigSigner,
  parseFileJson,
  readSignatureFile,
  readUnsignedFile,
  type SignatureFile,
  type SourcedSignature,
  signatureFile,
  summaryJson,
  type TxSummary,
  txSummary,
  type UnsignedFile,
  unsignedFile,
} from './multisig.ts';
export {
  inspectRelease,
  type ReleaseArtifactInfo,
  type ReleaseInspection,
  type ReleaseManifestInfo,
  type ReleaseSignatureInfo,
} from './release.ts';
export {
  addressPrefix,
  type SubmitOptions,
  type Submitted,
  sendTransfer,
  submitAndWait,
  type TransferOptions,
  type TransferResult,
  txIdHex,
} from './send.ts';
export { type BlockSubscription, type SubscribeOptions, subscribeBlocks } from './subscribe.ts';
export {
  assembleTx,
  bodyFromJson,
  bodyToJson,
  signBody,
  signedTransfer,
  type TransferRequest,
  transferBody,
} from './transfer.ts';
export { type MnemonicOptions, Wallet, type WalletOptions, type WalletTransfer } from './wallet.ts';

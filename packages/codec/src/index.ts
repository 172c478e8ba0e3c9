// The public surface of @babychain/codec (README.md). Everything else in src/ is internal.
export type { DecodeOptions, JsonValue, MessageInit, MessageName } from './codec.ts';
export { create, decode, encode, fromJson, toJson } from './codec.ts';
export type { CodecErrorCodeValue, CodeOf } from './errors.ts';
export { BabyError, CodecErrorCode, isBabyError } from './errors.ts';
export type {
  Account,
  Block,
  BlocksRequest,
  BlocksResponse,
  CatchUpRequest,
  CatchUpResponse,
  CertifiedBlock,
  Commit,
  CommitSig,
  ConsensusMessage,
  DuplicateVoteEvidence,
  Genesis,
  GenesisAccount,
  GenesisValidator,
  Header,
  LastSigned,
  MessageTypes,
  MultisigKey,
  Params,
  Proposal,
  ProposalSignDoc,
  RoundStep,
  Signature,
  SignDoc,
  SignedProposal,
  Signer,
  StateProof,
  TimeoutFired,
  Transfer,
  Tx,
  TxBatch,
  TxBody,
  ValidatorLeaf,
  Vote,
  VoteSignDoc,
  WalRecord,
} from './generated/types.ts';
export { bytesEqual, compareBytes, fromHex, sha256, toHex } from './hash.ts';
export { merkleRoot } from './merkle.ts';
export { blockHash, commitHash, decodeTx, MAX_TX_BYTES, TX_SIGN_DOMAIN, txId, txSignBytes } from './tx.ts';

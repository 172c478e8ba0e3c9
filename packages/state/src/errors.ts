import type { ErrorMeta, Mismatch } from '@babychain/codec';

/** Transaction rule violations (specs/transactions.md, specs/state.md). Values are protocol: never rename. */
export const TxErrorCode = {
  TOO_LARGE: 'TX_TOO_LARGE',
  MISSING_BODY: 'TX_MISSING_BODY',
  WRONG_CHAIN_ID: 'TX_WRONG_CHAIN_ID',
  MISSING_SIGNER: 'TX_MISSING_SIGNER',
  BAD_PUBLIC_KEY: 'TX_BAD_PUBLIC_KEY',
  MISSING_ACTION: 'TX_MISSING_ACTION',
  MEMO_TOO_LONG: 'TX_MEMO_TOO_LONG',
  BAD_RECIPIENT: 'TX_BAD_RECIPIENT',
  ZERO_AMOUNT: 'TX_ZERO_AMOUNT',
  SELF_TRANSFER: 'TX_SELF_TRANSFER',
  FEE_OVERFLOW: 'TX_FEE_OVERFLOW',
  SIGNATURE_COUNT: 'TX_SIGNATURE_COUNT',
  UNKNOWN_SIGNER: 'TX_UNKNOWN_SIGNER',
  DUPLICATE_SIGNER: 'TX_DUPLICATE_SIGNER',
  SIGNATURES_UNSORTED: 'TX_SIGNATURES_UNSORTED',
  BELOW_THRESHOLD: 'TX_BELOW_THRESHOLD',
  BAD_SIGNATURE: 'TX_BAD_SIGNATURE',
  BAD_NONCE: 'TX_BAD_NONCE',
  FEE_TOO_LOW: 'TX_FEE_TOO_LOW',
  INSUFFICIENT_FUNDS: 'TX_INSUFFICIENT_FUNDS',
  AMOUNT_OVERFLOW: 'TX_AMOUNT_OVERFLOW',
  /** an action this node does not execute (no governance, or not one of its actions) */
  UNSUPPORTED_ACTION: 'TX_UNSUPPORTED_ACTION',
} as const;

export type TxErrorCodeValue = (typeof TxErrorCode)[keyof typeof TxErrorCode];

/** Block rule violations (specs/blocks.md BLK-*). */
export const BlockErrorCode = {
  WRONG_CHAIN_ID: 'BLOCK_WRONG_CHAIN_ID',
  BAD_HEIGHT: 'BLOCK_BAD_HEIGHT',
  BAD_TIME: 'BLOCK_BAD_TIME',
  BAD_TX_ROOT: 'BLOCK_BAD_TX_ROOT',
  DUPLICATE_TX: 'BLOCK_DUPLICATE_TX',
  BAD_APP_HASH: 'BLOCK_BAD_APP_HASH',
  BAD_LINK: 'BLOCK_BAD_LINK',
  TOO_MANY_TXS: 'BLOCK_TOO_MANY_TXS',
  TOO_LARGE: 'BLOCK_TOO_LARGE',
  BAD_PROPOSER: 'BLOCK_BAD_PROPOSER',
  /** BLK-3 / UPG-3: header.version is not the app version in force for the block */
  BAD_VERSION: 'BLOCK_BAD_VERSION',
  /** BLK-11 */
  TOO_MUCH_EVIDENCE: 'BLOCK_TOO_MUCH_EVIDENCE',
  BAD_EVIDENCE_HASH: 'BLOCK_BAD_EVIDENCE_HASH',
} as const;

export type BlockErrorCodeValue = (typeof BlockErrorCode)[keyof typeof BlockErrorCode];

/** Genesis file violations (specs/state.md GEN-*). */
export const GenesisErrorCode = {
  MALFORMED: 'GENESIS_MALFORMED',
  BAD_CHAIN_ID: 'GENESIS_BAD_CHAIN_ID',
  BAD_PREFIX: 'GENESIS_BAD_PREFIX',
  DUPLICATE_ACCOUNT: 'GENESIS_DUPLICATE_ACCOUNT',
  ZERO_BALANCE: 'GENESIS_ZERO_BALANCE',
  SUPPLY_OVERFLOW: 'GENESIS_SUPPLY_OVERFLOW',
  NO_VALIDATORS: 'GENESIS_NO_VALIDATORS',
  BAD_VALIDATOR_KEY: 'GENESIS_BAD_VALIDATOR_KEY',
  DUPLICATE_VALIDATOR: 'GENESIS_DUPLICATE_VALIDATOR',
  DUPLICATE_OPERATOR: 'GENESIS_DUPLICATE_OPERATOR',
  ZERO_POWER: 'GENESIS_ZERO_POWER',
  POWER_OVERFLOW: 'GENESIS_POWER_OVERFLOW',
  BAD_PARAMS: 'GENESIS_BAD_PARAMS',
  BAD_MATURITY: 'GENESIS_BAD_MATURITY',
  BAD_GOV_PARAMS: 'GENESIS_BAD_GOV_PARAMS',
  /** GEN-5: `releaseVersion` is not a REL-2 version */
  BAD_RELEASE_VERSION: 'GENESIS_BAD_RELEASE_VERSION',
  /** GEN-8: a ceremony submission that is not JSON of exactly its shape (truncated, edited, unknown keys) */
  BAD_SUBMISSION: 'GENESIS_BAD_SUBMISSION',
  /** GEN-8: a submission signed for another chain id than the draft's */
  WRONG_CHAIN: 'GENESIS_WRONG_CHAIN',
  /** GEN-8: a submission made against another draft */
  WRONG_DRAFT: 'GENESIS_WRONG_DRAFT',
} as const;

export type GenesisErrorCodeValue = (typeof GenesisErrorCode)[keyof typeof GenesisErrorCode];

/** State commitment and storage errors (specs/state.md STATE-11, APP-5). */
export const StateErrorCode = {
  BAD_PROOF: 'STATE_BAD_PROOF',
  /** a store record or tree node is missing, does not decode, or does not hash to what it should */
  CORRUPT: 'STATE_CORRUPT',
  /** the store was initialised from another genesis */
  GENESIS_MISMATCH: 'STATE_GENESIS_MISMATCH',
} as const;

export type StateErrorCodeValue = (typeof StateErrorCode)[keyof typeof StateErrorCode];

/** A signer key by its place in the transaction's signer (TX-8..TX-12). */
type KeyAt = ErrorMeta & { keyIndex?: number };

/** An account or validator by its place in the genesis file's list. */
type GenesisAt = ErrorMeta & { index?: number };

declare module '@babychain/codec' {
  interface BabyErrorMeta
    extends Record<TxErrorCodeValue, ErrorMeta>,
      Record<BlockErrorCodeValue, ErrorMeta>,
      Record<GenesisErrorCodeValue, GenesisAt>,
      Record<StateErrorCodeValue, ErrorMeta> {
    [TxErrorCode.WRONG_CHAIN_ID]: ErrorMeta & Mismatch<string>;
    [TxErrorCode.BAD_PUBLIC_KEY]: KeyAt;
    [TxErrorCode.MEMO_TOO_LONG]: ErrorMeta & { limit: number };
    [TxErrorCode.SIGNATURE_COUNT]: ErrorMeta & { count: number };
    [TxErrorCode.UNKNOWN_SIGNER]: KeyAt;
    [TxErrorCode.DUPLICATE_SIGNER]: KeyAt;
    [TxErrorCode.SIGNATURES_UNSORTED]: KeyAt;
    [TxErrorCode.BELOW_THRESHOLD]: ErrorMeta & { count: number; threshold: number };
    /** `reason`: the SIG-8 code the signature failed with */
    [TxErrorCode.BAD_SIGNATURE]: KeyAt;
    /** a nonce off the account's (`expected`/`got`), or bytes already committed (`id`, `committed`) */
    [TxErrorCode.BAD_NONCE]: ErrorMeta & Partial<Mismatch<bigint>> & { id?: string; committed?: true };
    [TxErrorCode.FEE_TOO_LOW]: ErrorMeta & { fee?: bigint; minFee?: bigint };
    [TxErrorCode.INSUFFICIENT_FUNDS]: ErrorMeta & { balance?: bigint; needed?: bigint };
    [TxErrorCode.UNSUPPORTED_ACTION]: ErrorMeta & { action: string | undefined };

    [BlockErrorCode.WRONG_CHAIN_ID]: ErrorMeta & Mismatch<string>;
    [BlockErrorCode.BAD_HEIGHT]: ErrorMeta & Mismatch<bigint>;
    [BlockErrorCode.BAD_TIME]: ErrorMeta & { parentTimeMs: bigint; got: bigint };
    /** roots in hex */
    [BlockErrorCode.BAD_TX_ROOT]: ErrorMeta & Mismatch<string>;
    [BlockErrorCode.DUPLICATE_TX]: ErrorMeta & { firstIndex: number; id: string };
    [BlockErrorCode.BAD_APP_HASH]: ErrorMeta & Mismatch<string>;
    [BlockErrorCode.TOO_MANY_TXS]: ErrorMeta & { count: number; max: number };
    [BlockErrorCode.TOO_LARGE]: ErrorMeta & { size: number; max: bigint };
    [BlockErrorCode.BAD_VERSION]: ErrorMeta & Mismatch<number>;
    [BlockErrorCode.TOO_MUCH_EVIDENCE]: ErrorMeta & { count: number; max: number };
    /** roots in hex */
    [BlockErrorCode.BAD_EVIDENCE_HASH]: ErrorMeta & Mismatch<string>;

    /** `field`: the JSON path of the value (GEN-6) */
    [GenesisErrorCode.MALFORMED]: ErrorMeta & { field?: string };
    [GenesisErrorCode.BAD_CHAIN_ID]: ErrorMeta & { chainId: string };
    [GenesisErrorCode.BAD_PREFIX]: ErrorMeta & { prefix: string };
    [GenesisErrorCode.DUPLICATE_ACCOUNT]: GenesisAt & { address: string };
    [GenesisErrorCode.BAD_PARAMS]: ErrorMeta & { param?: string };
    [GenesisErrorCode.BAD_MATURITY]: ErrorMeta & { maturity?: string };
    [GenesisErrorCode.BAD_GOV_PARAMS]: ErrorMeta & { param: string };
    [GenesisErrorCode.BAD_RELEASE_VERSION]: ErrorMeta & { releaseVersion: string };
    /** `file`: the submission at fault (GEN-8), `field`: its JSON path */
    [GenesisErrorCode.BAD_SUBMISSION]: ErrorMeta & { field?: string };
    /** `file`: the submission at fault; the two chain ids */
    [GenesisErrorCode.WRONG_CHAIN]: ErrorMeta & Mismatch<string>;
    /** `file`: the submission at fault; the two draft hashes, in hex */
    [GenesisErrorCode.WRONG_DRAFT]: ErrorMeta & Mismatch<string>;

    /** `index`: the sibling at fault; `cause`: why the account has no encoding */
    [StateErrorCode.BAD_PROOF]: ErrorMeta & { siblings?: number; index?: number; cause?: unknown };
    /** `path`: the tree path (hex) of the node at fault */
    [StateErrorCode.CORRUPT]: ErrorMeta & { path?: string };
    /** the two genesis hashes, in hex */
    [StateErrorCode.GENESIS_MISMATCH]: ErrorMeta & { stored: string; given: string };
  }
}

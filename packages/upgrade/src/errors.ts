import type { ErrorMeta, Mismatch } from '@babychain/codec';
import { BAD_VERSION_CODE } from '@babychain/state';

/** Governance rule violations (specs/governance.md GOV-*). Values are protocol: never rename. */
export const GovErrorCode = {
  NOT_VALIDATOR: 'GOV_NOT_VALIDATOR',
  BAD_PROPOSAL: 'GOV_BAD_PROPOSAL',
  BAD_OPTION: 'GOV_BAD_OPTION',
  DEPOSIT_TOO_LOW: 'GOV_DEPOSIT_TOO_LOW',
  TOO_MANY_PROPOSALS: 'GOV_TOO_MANY_PROPOSALS',
  UNKNOWN_PROPOSAL: 'GOV_UNKNOWN_PROPOSAL',
  BAD_PARAMS: 'GOV_BAD_PARAMS',
} as const;

/** Validator rule violations (specs/validators.md VAL-*). */
export const ValidatorErrorCode = {
  NOT_IN_FORCE: 'VAL_NOT_IN_FORCE',
  BAD_CHANGE: 'VAL_BAD_CHANGE',
  BAD_POSSESSION: 'VAL_BAD_POSSESSION',
  DUPLICATE_VALIDATOR: 'VAL_DUPLICATE_VALIDATOR',
  DUPLICATE_OPERATOR: 'VAL_DUPLICATE_OPERATOR',
  TOO_MANY_VALIDATORS: 'VAL_TOO_MANY_VALIDATORS',
  POWER_OVERFLOW: 'VAL_POWER_OVERFLOW',
  UNKNOWN_VALIDATOR: 'VAL_UNKNOWN_VALIDATOR',
  TOO_MUCH_CHANGE: 'VAL_TOO_MUCH_CHANGE',
  /** VAL-6, VAL-10: an AddValidator names a jailed key */
  JAILED: 'VAL_JAILED',
  /** VAL-11: an UnjailValidator names a key that is not jailed */
  NOT_JAILED: 'VAL_NOT_JAILED',
  /** VAL-9: a block carries evidence of an offence already committed, or twice */
  DUPLICATE_EVIDENCE: 'VAL_DUPLICATE_EVIDENCE',
} as const;

/** Upgrade plan and halting rule violations (UPG-*). */
export const UpgradeErrorCode = {
  BAD_NAME: 'UPG_BAD_NAME',
  BAD_APP_VERSION: 'UPG_BAD_APP_VERSION',
  TOO_EARLY: 'UPG_TOO_EARLY',
  BAD_URL: 'UPG_BAD_URL',
  PLAN_CONFLICT: 'UPG_PLAN_CONFLICT',
  NO_SUCH_PLAN: 'UPG_NO_SUCH_PLAN',
  ALREADY_READY: 'UPG_ALREADY_READY',
  ALREADY_ATTESTED: 'UPG_ALREADY_ATTESTED',
  DIGEST_MISMATCH: 'UPG_DIGEST_MISMATCH',
  NEEDED: 'UPG_NEEDED',
  EARLY_BINARY: 'UPG_EARLY_BINARY',
  BINARY_TOO_OLD: 'UPG_BINARY_TOO_OLD',
  BAD_UPGRADE_INFO: 'UPG_BAD_UPGRADE_INFO',
} as const;

/** Release manifest and artifact rule violations (REL-*). */
export const ReleaseErrorCode = {
  WRONG_PLAN: 'REL_WRONG_PLAN',
  BAD_VERSION: BAD_VERSION_CODE,
  BAD_MANIFEST: 'REL_BAD_MANIFEST',
  BAD_ARTIFACT: 'REL_BAD_ARTIFACT',
  VERSION_NOT_HIGHER: 'REL_VERSION_NOT_HIGHER',
  EXPIRED: 'REL_EXPIRED',
  SIGNATURES_UNSORTED: 'REL_SIGNATURES_UNSORTED',
  UNKNOWN_SIGNER: 'REL_UNKNOWN_SIGNER',
  BAD_SIGNATURE: 'REL_BAD_SIGNATURE',
  TOO_FEW_SIGNATURES: 'REL_TOO_FEW_SIGNATURES',
  WRONG_SIZE: 'REL_WRONG_SIZE',
  DIGEST_MISMATCH: 'REL_DIGEST_MISMATCH',
  BAD_RELEASE_INFO: 'REL_BAD_RELEASE_INFO',
  /** REL-5: the gunzipped tar stream is not the manifest's unpacked_size long */
  WRONG_UNPACKED_SIZE: 'REL_WRONG_UNPACKED_SIZE',
} as const;

export type GovErrorCodeValue = (typeof GovErrorCode)[keyof typeof GovErrorCode];
export type ValidatorErrorCodeValue = (typeof ValidatorErrorCode)[keyof typeof ValidatorErrorCode];
export type UpgradeErrorCodeValue = (typeof UpgradeErrorCode)[keyof typeof UpgradeErrorCode];
export type ReleaseErrorCodeValue = (typeof ReleaseErrorCode)[keyof typeof ReleaseErrorCode];

/** The plan a refusal is about, as scheduled (UPG-4, UPG-5). */
type PlanMeta = ErrorMeta & { name: string; height: bigint; appVersion?: number };

declare module '@babychain/codec' {
  interface BabyErrorMeta
    extends Record<GovErrorCodeValue, ErrorMeta>,
      Record<UpgradeErrorCodeValue, ErrorMeta>,
      Record<ReleaseErrorCodeValue, ErrorMeta>,
      Record<ValidatorErrorCodeValue, ErrorMeta> {
    /** `reason`: the SIG-8 code of the failed verification */
    [ValidatorErrorCode.BAD_POSSESSION]: ErrorMeta & { reason: string };
    [ValidatorErrorCode.NOT_IN_FORCE]: ErrorMeta & { appVersion: number; from: number };
    /** `reason`: the field at fault (public-key, power, name, operator, possession) */
    [ValidatorErrorCode.BAD_CHANGE]: ErrorMeta & { reason: string };
    [ValidatorErrorCode.TOO_MANY_VALIDATORS]: ErrorMeta & { max: number };
    [ValidatorErrorCode.TOO_MUCH_CHANGE]: ErrorMeta & { removed: bigint; added: bigint; total: bigint };
    /** the offence (`height`, `publicKey` in hex) and the piece of evidence (`index`) that names it */
    [ValidatorErrorCode.DUPLICATE_EVIDENCE]: ErrorMeta & { height: bigint; publicKey: string; index: number };
    [GovErrorCode.BAD_PROPOSAL]: ErrorMeta & { titleBytes?: number };
    [GovErrorCode.BAD_OPTION]: ErrorMeta & { option?: number };
    [GovErrorCode.DEPOSIT_TOO_LOW]: ErrorMeta & { deposit: bigint; minDeposit: bigint };
    [GovErrorCode.UNKNOWN_PROPOSAL]: ErrorMeta & { proposalId?: bigint };
    /** `param`: the parameter at fault, when the check names one */
    [GovErrorCode.BAD_PARAMS]: ErrorMeta & { param?: string };

    [UpgradeErrorCode.BAD_NAME]: ErrorMeta & { name: string };
    [UpgradeErrorCode.BAD_APP_VERSION]: ErrorMeta & { appVersion: number; expected: number };
    [UpgradeErrorCode.TOO_EARLY]: ErrorMeta & { height: bigint; minHeightExclusive: bigint };
    /** `count`: how many urls there are; `index`: the one at fault */
    [UpgradeErrorCode.BAD_URL]: ErrorMeta & { count?: number; index?: number };
    [UpgradeErrorCode.PLAN_CONFLICT]: ErrorMeta & { scheduled: string };
    [UpgradeErrorCode.NO_SUCH_PLAN]: ErrorMeta & { planName?: string; name?: string };
    [UpgradeErrorCode.DIGEST_MISMATCH]: ErrorMeta & { planName: string; platform: string };
    /** `version`: the release that must run from the plan's height */
    [UpgradeErrorCode.NEEDED]: PlanMeta & { version?: string };
    [UpgradeErrorCode.EARLY_BINARY]: PlanMeta & { nextHeight: bigint };
    [UpgradeErrorCode.BINARY_TOO_OLD]: ErrorMeta & { appVersion: number; highest: number };

    [ReleaseErrorCode.BAD_VERSION]: ErrorMeta & { version: string };
    [ReleaseErrorCode.VERSION_NOT_HIGHER]: ErrorMeta & { version: string; current: string };
    [ReleaseErrorCode.EXPIRED]: ErrorMeta & { expiresMs: bigint };
    [ReleaseErrorCode.UNKNOWN_SIGNER]: ErrorMeta & { publicKey: string };
    [ReleaseErrorCode.BAD_SIGNATURE]: ErrorMeta & { publicKey: string };
    [ReleaseErrorCode.TOO_FEW_SIGNATURES]: ErrorMeta & { count: number; threshold: number };
    /** the launcher's download sends `size` and `expected` as decimal strings */
    [ReleaseErrorCode.WRONG_SIZE]: ErrorMeta & { url?: string; size?: number | string; expected?: bigint | string };
    /** digests in hex */
    [ReleaseErrorCode.DIGEST_MISMATCH]: ErrorMeta & Partial<Mismatch<string>> & { url?: string };
    [ReleaseErrorCode.BAD_RELEASE_INFO]: ErrorMeta & Partial<Mismatch<unknown>> & { field?: string };
    [ReleaseErrorCode.WRONG_UNPACKED_SIZE]: ErrorMeta & { unpacked: string; expected: string };
  }
}

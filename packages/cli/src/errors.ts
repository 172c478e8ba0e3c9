import type { ErrorMeta } from '@babychain/codec';

/** Errors of the command line itself (documented in packages/cli/README.md); protocol errors keep their own codes. */
export const CliErrorCode = {
  NO_INPUT: 'CLI_NO_INPUT',
  PASSPHRASE_MISMATCH: 'CLI_PASSPHRASE_MISMATCH',
  PASSPHRASE_TOO_SHORT: 'CLI_PASSPHRASE_TOO_SHORT',
  BAD_ARGUMENT: 'CLI_BAD_ARGUMENT',
  BAD_FILE: 'CLI_BAD_FILE',
  MULTISIG_OFFLINE: 'CLI_MULTISIG_OFFLINE',
  NOT_A_MEMBER: 'CLI_NOT_A_MEMBER',
  WRONG_SIGNER: 'CLI_WRONG_SIGNER',
  WRONG_CHAIN: 'CLI_WRONG_CHAIN',
  BAD_SIGNATURE: 'CLI_BAD_SIGNATURE',
  DUPLICATE_SIGNATURE: 'CLI_DUPLICATE_SIGNATURE',
  TOO_FEW_SIGNATURES: 'CLI_TOO_FEW_SIGNATURES',
  NOT_FOUND: 'CLI_NOT_FOUND',
  NO_SIGNER: 'CLI_NO_SIGNER',
  BAD_VALIDATOR_KEY: 'CLI_BAD_VALIDATOR_KEY',
  BAD_PLAN: 'CLI_BAD_PLAN',
  BAD_SOURCE: 'CLI_BAD_SOURCE',
  DIRTY_SOURCE: 'CLI_DIRTY_SOURCE',
  BUNDLE_FAILED: 'CLI_BUNDLE_FAILED',
  BAD_ARTIFACT: 'CLI_BAD_ARTIFACT',
  OFFLINE_MISSING: 'CLI_OFFLINE_MISSING',
  KEY_EXISTS: 'CLI_KEY_EXISTS',
} as const;

export type CliErrorCodeValue = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** A file the command was given: `path`, or ErrorMeta's `file` where a command named it so first (both on the wire). */
type PathMeta = ErrorMeta & { path?: string };

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<CliErrorCodeValue, ErrorMeta> {
    /** `missing`: the flags or values still to give */
    [CliErrorCode.BAD_ARGUMENT]: ErrorMeta & { missing?: string[] };
    /** `fields`: the unexpected ones; `cause`: the decoder's code */
    [CliErrorCode.BAD_FILE]: PathMeta & { fields?: string[]; cause?: string };
    [CliErrorCode.BAD_VALIDATOR_KEY]: PathMeta;
    [CliErrorCode.BAD_ARTIFACT]: PathMeta;
    [CliErrorCode.NOT_A_MEMBER]: ErrorMeta & { key: string; multisig: string };
    [CliErrorCode.WRONG_SIGNER]: ErrorMeta & { key: string };
    /** `body`: the chain id the transaction body names */
    [CliErrorCode.WRONG_CHAIN]: ErrorMeta & { body: string; expected: string };
    [CliErrorCode.TOO_FEW_SIGNATURES]: ErrorMeta & { threshold: number; given: number };
    [CliErrorCode.NOT_FOUND]: ErrorMeta & { id: string };
    [CliErrorCode.BAD_SOURCE]: ErrorMeta & { source?: string };
    /** `files`: what git reports changed */
    [CliErrorCode.DIRTY_SOURCE]: ErrorMeta & { source: string; files: string[] };
    [CliErrorCode.BUNDLE_FAILED]: ErrorMeta & { source?: string };
    /** `node`: the node asked, if any */
    [CliErrorCode.OFFLINE_MISSING]: ErrorMeta & { missing: string[]; node: string | undefined };
    [CliErrorCode.KEY_EXISTS]: ErrorMeta & { existing: string; address: string };
  }
}

/** Errors of the command line itself (documented in packages/cli/README.md); protocol errors keep their own codes. */
export const CliErrorCode = {
  NO_INPUT: 'CLI_NO_INPUT',
  PASSPHRASE_MISMATCH: 'CLI_PASSPHRASE_MISMATCH',
  PASSPHRASE_TOO_SHORT: 'CLI_PASSPHRASE_TOO_SHORT',
  BAD_ARGUMENT: 'CLI_BAD_ARGUMENT',
} as const;

import type { ErrorMeta } from '@babychain/codec';

/** Codes of the node's own failures: configuration, home directory, startup. */
export const NodeErrorCode = {
  BAD_CONFIG: 'NODE_BAD_CONFIG',
  HOME_EXISTS: 'NODE_HOME_EXISTS',
  NOT_INITIALISED: 'NODE_NOT_INITIALISED',
  BAD_KEY_FILE: 'NODE_BAD_KEY_FILE',
} as const;
export type NodeErrorCodeValue = (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<NodeErrorCodeValue, ErrorMeta> {
    /** `field`: the config key at fault */
    [NodeErrorCode.BAD_CONFIG]: ErrorMeta & { field?: string };
    [NodeErrorCode.HOME_EXISTS]: ErrorMeta & { home: string };
  }
}

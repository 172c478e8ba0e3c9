import { type ErrorMeta, errorHelper } from '@babychain/codec';

/** Codes of the devnet manager's own failures (documented in devnet/README.md). */
export const DevnetErrorCode = Object.freeze({
  BAD_ARGS: 'DEVNET_BAD_ARGS',
  NOT_FOUND: 'DEVNET_NOT_FOUND',
  BAD_STATE_FILE: 'DEVNET_BAD_STATE_FILE',
  DIR_NOT_DEVNET: 'DEVNET_DIR_NOT_DEVNET',
  NO_SUCH_NODE: 'DEVNET_NO_SUCH_NODE',
  NOT_RUNNING: 'DEVNET_NOT_RUNNING',
  ALREADY_RUNNING: 'DEVNET_ALREADY_RUNNING',
  BAD_PARTITION: 'DEVNET_BAD_PARTITION',
  RPC_FAILED: 'DEVNET_RPC_FAILED',
  TIMEOUT: 'DEVNET_TIMEOUT',
  SAFETY_VIOLATION: 'DEVNET_SAFETY_VIOLATION',
  UPGRADE_FAILED: 'DEVNET_UPGRADE_FAILED',
} as const);

export type DevnetErrorCodeValue = (typeof DevnetErrorCode)[keyof typeof DevnetErrorCode];

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<DevnetErrorCodeValue, ErrorMeta> {
    [DevnetErrorCode.BAD_STATE_FILE]: ErrorMeta & { path: string };
    [DevnetErrorCode.RPC_FAILED]: ErrorMeta & { url: string; status?: number };
    [DevnetErrorCode.TIMEOUT]: ErrorMeta & { timeoutMs: number };
    /** two nodes (`nodes`) saw different `values` of a block's `field` at `height` */
    [DevnetErrorCode.SAFETY_VIOLATION]: ErrorMeta & {
      height: number;
      field: string;
      nodes: string[];
      values: string[];
    };
  }
}

export const devnetError = errorHelper<DevnetErrorCodeValue>();

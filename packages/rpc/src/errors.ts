/** Codes the RPC layer itself answers with; every other error carries the code of the rule it broke. */
export const RpcErrorCode = {
  NOT_FOUND: 'RPC_NOT_FOUND',
  BAD_REQUEST: 'RPC_BAD_REQUEST',
  INTERNAL: 'RPC_INTERNAL',
} as const;
export type RpcErrorCodeValue = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

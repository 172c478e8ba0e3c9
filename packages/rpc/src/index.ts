// @babychain/rpc: public surface (README.md). Everything else in src/ is internal.
export type { BlockEvent, DroppedTx, PendingTx, RpcBackend, RpcLogger } from './backend.ts';
export { CONSOLE_CSP, type ConsoleFile, type ConsoleFiles } from './console.ts';
export { RpcErrorCode, type RpcErrorCodeValue } from './errors.ts';
export { DEFAULT_RPC_LIMITS, type RpcLimits, type RpcObserver } from './guard.ts';
export { MAX_BATCH } from './jsonrpc.ts';
export { DEFAULT_COMMIT_TIMEOUT_MS, MAX_BLOCK_RANGE } from './methods.ts';
export {
  buildRpcApp,
  MAX_BODY_BYTES,
  type RpcAppOptions,
  type RpcServer,
  type RpcServerOptions,
  rpcOpenApiDocument,
  startRpcServer,
} from './server.ts';

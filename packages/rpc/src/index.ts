// @babychain/rpc: public surface (README.md). Everything else in src/ is internal.
export type { JsonObject, RpcBackend, RpcLogger } from './backend.ts';
export { RpcErrorCode, type RpcErrorCodeValue } from './errors.ts';
export { type RpcServer, type RpcServerOptions, startRpcServer } from './server.ts';

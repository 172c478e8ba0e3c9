export { TxErrorCode, type TxErrorCodeValue } from './errors.ts';
export { type CheckedTx, checkTx, checkTxBytes, MAX_MEMO_BYTES } from './stateless.ts';

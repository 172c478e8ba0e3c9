export { assembleTx, signBody, signedTransfer, type TransferRequest, transferBody } from './transfer.ts';

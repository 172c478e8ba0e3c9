// @babychain/node: public surface (README.md). Everything else in src/ is internal.

export type { UpgradeHalt } from '@babychain/consensus';
export { peerIdFromSeed } from '@babychain/p2p';
export { UPGRADE_EXIT_CODE } from '@babychain/upgrade';
export { type NodeConfig, readConfig } from './config.ts';
export { NodeErrorCode, type NodeErrorCodeValue } from './errors.ts';
export {
  type InitHomeOptions,
  type InitHomeResult,
  type InitSoloHomeOptions,
  initHome,
  initSoloHome,
} from './init.ts';
export { BabyNode, type NodeOpenOptions } from './node.ts';
export { NODE_VERSION } from './version.ts';

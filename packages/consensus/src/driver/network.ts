/**
 * What the driver needs from the network and what it answers on it (specs/p2p.md), declared where it is consumed so
 * that consensus never imports p2p (docs/architecture.md, Packages and their layers). The node implements it over
 * libp2p (`consensusNetworkOver`); the simulator in memory.
 */
import type { BlocksResponse, CatchUpResponse, ConsensusMessage } from '@babychain/codec';

/** What gossip does with a message: forward it, drop it and blame the sender, or drop it quietly (P2P-4). */
export type Verdict = 'accept' | 'reject' | 'ignore';

/** What the driver answers: consensus gossip, block sync (P2P-5) and round catch-up (P2P-6). */
export interface ConsensusHandlers {
  receive(message: ConsensusMessage, from: string): Verdict;
  serveBlocks(from: bigint, maxBlocks: number, maxBytes: number): Promise<BlocksResponse>;
  serveCatchUp(height: bigint, round: number): CatchUpResponse;
}

export interface ConsensusNetwork {
  /** routes the consensus topic and the two request protocols to `handlers`; called once, when the driver starts */
  attach(handlers: ConsensusHandlers): void;
  broadcast(message: ConsensusMessage): void;
  requestBlocks(peer: string, fromHeight: bigint, maxBlocks: number): Promise<BlocksResponse>;
  requestCatchUp(peer: string, height: bigint, round: number): Promise<CatchUpResponse>;
  penalize(peer: string, points: number, reason: string): void;
}

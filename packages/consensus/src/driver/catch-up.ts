/**
 * Round catch-up (P2P-6): a peer's announced round step (P2P-4) tells whether this node is behind. One height or
 * more behind, it syncs blocks (P2P-5); behind in rounds, or stuck, it asks that peer for the proposals and votes
 * it holds, and feeds them through the same checks as gossip.
 */
import type { Block, CatchUpResponse, RoundStep, SignedProposal, Vote } from '@babychain/codec';
import type { Logger } from '@babychain/util';
import type { ConsensusEngine } from '../engine.ts';
import type { Clock } from './clock.ts';
import { codeOf } from './code-of.ts';
import type { ConsensusNetwork, Verdict } from './network.ts';

/** A node whose step has not changed for this long asks a peer at its height for what it holds (P2P-6). */
const STUCK_MS = 1500;

/** The driver's side of a catch-up: its engine, when its step last changed, and its gossip intake. */
export interface CatchingUpDriver {
  /** the height being decided */
  height(): bigint;
  engine(): ConsensusEngine<Block> | undefined;
  /** when the engine last changed step (clock ms) */
  stepChangedAt(): number;
  closed(): boolean;
  sync(peer: string): void;
  receiveProposal(signed: SignedProposal, from: string): Verdict;
  receiveVote(vote: Vote): Verdict;
}

export interface RoundCatchUpOptions {
  readonly network: ConsensusNetwork;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly driver: CatchingUpDriver;
}

export class RoundCatchUp {
  readonly #o: RoundCatchUpOptions;
  /** when each peer was last asked: one request per peer per STUCK_MS */
  readonly #asked = new Map<string, number>();

  constructor(options: RoundCatchUpOptions) {
    this.#o = options;
  }

  onPeerRoundStep(rs: RoundStep, peer: string): void {
    const { driver, clock } = this.#o;
    if (driver.closed()) return;
    const height = driver.height();
    const stuckFor = clock.now() - driver.stepChangedAt();
    // A peer one height ahead has usually just decided the height whose last precommits are still on their way
    // here: sync only when they do not arrive.
    if (rs.height > height + 1n || (rs.height > height && stuckFor > STUCK_MS)) {
      driver.sync(peer);
      return;
    }
    const state = driver.engine()?.state;
    if (rs.height !== height || state === undefined || state.height !== height) return;
    const ahead = rs.round > state.round;
    const stuck = stuckFor > STUCK_MS && rs.round >= state.round;
    if (!ahead && !stuck) return;
    const last = this.#asked.get(peer) ?? 0;
    if (clock.now() - last < STUCK_MS) return;
    this.#asked.set(peer, clock.now());
    void this.#ask(peer, rs.height, state.round);
  }

  async #ask(peer: string, height: bigint, round: number): Promise<void> {
    const { driver, network } = this.#o;
    let response: CatchUpResponse;
    try {
      response = await network.requestCatchUp(peer, height, round);
    } catch (err) {
      this.#o.logger.debug('catch-up request failed', { peer, code: codeOf(err) });
      return;
    }
    for (const p of response.proposals) {
      if (driver.receiveProposal(p, peer) === 'reject') network.penalize(peer, 20, 'bad catch-up proposal');
    }
    for (const v of response.votes) {
      if (driver.receiveVote(v) === 'reject') network.penalize(peer, 20, 'bad catch-up vote');
    }
  }

  /** P2P-6: what this node holds for `height` from `round` on. */
  serve(height: bigint, round: number): CatchUpResponse {
    const engine = this.#o.driver.engine();
    if (engine === undefined || engine.state.height !== height) return { proposals: [], votes: [] };
    return {
      // The latest two rounds' proposals are what a peer can still use; more could pass the response limit.
      proposals: engine
        .proposals(round)
        .slice(-2)
        .map(({ proposal, block }) => ({ proposal, block })),
      votes: engine.votes(round),
    };
  }
}

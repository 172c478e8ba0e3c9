/** A penalised peer recovers one point per this many milliseconds, back towards 0. */
export const SCORE_RECOVERY_MS = 30_000;

export interface PeerScoresOptions {
  readonly banThreshold: number;
  readonly banMs: number;
  readonly now?: () => number;
}

interface Entry {
  value: number;
  /** time up to which recovery has been applied */
  at: number;
}

/**
 * The application-level peer score: a number per peer that starts at 0, goes down by the points of each penalty
 * and recovers one point per SCORE_RECOVERY_MS. A peer at or below the ban threshold is banned for banMs; when the
 * ban ends its score starts again from 0. Everything is computed lazily, so the book needs no timer.
 */
export class PeerScores {
  readonly #banThreshold: number;
  readonly #banMs: number;
  readonly #now: () => number;
  readonly #scores = new Map<string, Entry>();
  readonly #bans = new Map<string, number>();

  constructor(options: PeerScoresOptions) {
    this.#banThreshold = options.banThreshold;
    this.#banMs = options.banMs;
    this.#now = options.now ?? Date.now;
  }

  /** Lowers the score by `points`; returns the new score and whether this penalty started a ban. */
  penalize(peer: string, points: number): { score: number; banned: boolean } {
    const now = this.#now();
    const value = this.#current(peer, now) - points;
    this.#scores.set(peer, { value, at: now });
    if (value <= this.#banThreshold && !this.isBanned(peer)) {
      this.#bans.set(peer, now + this.#banMs);
      return { score: value, banned: true };
    }
    return { score: value, banned: false };
  }

  score(peer: string): number {
    return this.#current(peer, this.#now());
  }

  isBanned(peer: string): boolean {
    const until = this.#bans.get(peer);
    if (until === undefined) return false;
    if (this.#now() < until) return true;
    this.#bans.delete(peer);
    this.#scores.delete(peer);
    return false;
  }

  /** Forgets expired bans and fully recovered scores, so the maps stay bounded. */
  prune(): void {
    const now = this.#now();
    for (const peer of [...this.#bans.keys()]) this.isBanned(peer);
    for (const peer of [...this.#scores.keys()]) {
      if (this.#current(peer, now) === 0 && !this.#bans.has(peer)) this.#scores.delete(peer);
    }
  }

  #current(peer: string, now: number): number {
    const entry = this.#scores.get(peer);
    if (entry === undefined) return 0;
    if (this.isBanned(peer)) return entry.value;
    if (!this.#scores.has(peer)) return 0; // the ban just ended and reset the score
    const steps = Math.floor((now - entry.at) / SCORE_RECOVERY_MS);
    if (steps > 0) {
      entry.value = entry.value < 0 ? Math.min(0, entry.value + steps) : Math.max(0, entry.value - steps);
      entry.at += steps * SCORE_RECOVERY_MS;
    }
    return entry.value;
  }
}

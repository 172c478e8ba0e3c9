import { describe, expect, it } from 'vitest';
import { PeerScores, SCORE_RECOVERY_MS } from './scores.ts';

function book(banThreshold = -100, banMs = 60_000) {
  const clock = { now: 1_000_000 };
  const scores = new PeerScores({ banThreshold, banMs, now: () => clock.now });
  return { scores, clock };
}

describe('PeerScores', () => {
  it('starts every peer at 0 and subtracts penalties', () => {
    const { scores } = book();
    expect(scores.score('p')).toBe(0);
    expect(scores.penalize('p', 20)).toEqual({ score: -20, banned: false });
    expect(scores.penalize('p', 30)).toEqual({ score: -50, banned: false });
    expect(scores.score('p')).toBe(-50);
    expect(scores.score('q')).toBe(0);
  });

  it('bans a peer at the threshold once, for banMs, and resets its score after the ban', () => {
    const { scores, clock } = book(-100, 60_000);
    for (let i = 0; i < 4; i++) scores.penalize('p', 20);
    expect(scores.isBanned('p')).toBe(false);
    expect(scores.penalize('p', 20)).toEqual({ score: -100, banned: true });
    expect(scores.isBanned('p')).toBe(true);
    expect(scores.penalize('p', 20)).toEqual({ score: -120, banned: false });
    clock.now += 59_999;
    expect(scores.isBanned('p')).toBe(true);
    expect(scores.score('p')).toBe(-120);
    clock.now += 1;
    expect(scores.isBanned('p')).toBe(false);
    expect(scores.score('p')).toBe(0);
  });

  it('recovers one point per recovery period and forgets recovered peers', () => {
    const { scores, clock } = book();
    scores.penalize('p', 3);
    clock.now += SCORE_RECOVERY_MS - 1;
    expect(scores.score('p')).toBe(-3);
    clock.now += 1;
    expect(scores.score('p')).toBe(-2);
    clock.now += 10 * SCORE_RECOVERY_MS;
    expect(scores.score('p')).toBe(0);
    scores.prune();
    expect(scores.score('p')).toBe(0);
  });
});

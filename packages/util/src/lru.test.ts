import { describe, expect, it } from 'vitest';
import { LruCache } from './lru.ts';

describe('LruCache', () => {
  it('never holds more than its bound and keeps what was used recently', () => {
    const cache = new LruCache<number, string>(100);
    for (let i = 0; i < 1_000; i++) {
      cache.set(i, `v${i}`);
      expect(cache.get(0)).toBe('v0'); // used all the time: never evicted
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    expect(cache.get(999)).toBe('v999');
    expect(cache.get(500)).toBeUndefined();
  });

  it('overwrites, deletes, and holds nothing with a bound of zero', () => {
    const cache = new LruCache<string, number>(4);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.get('a')).toBe(2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    const none = new LruCache<string, number>(0);
    none.set('a', 1);
    expect(none.get('a')).toBeUndefined();
    expect(none.size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { DurationWindow } from './percentiles.ts';

describe('DurationWindow', () => {
  it('reports nearest-rank p50 and p99 of the samples it holds', () => {
    const w = new DurationWindow(100);
    for (let i = 1; i <= 100; i++) w.add(i);
    expect(w.summary()).toEqual({ p50: 50, p99: 99, samples: 100 });
  });

  it('forgets the oldest samples beyond its capacity', () => {
    const w = new DurationWindow(3);
    for (const v of [1000, 1, 2, 3]) w.add(v);
    expect(w.summary()).toEqual({ p50: 2, p99: 3, samples: 3 });
  });

  it('reports null percentiles before the first sample', () => {
    expect(new DurationWindow().summary()).toEqual({ p50: null, p99: null, samples: 0 });
  });
});

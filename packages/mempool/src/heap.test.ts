import { SeededRandom } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import { Heap } from './heap.ts';

interface Item {
  key: number;
  index: number;
}

function drain<T>(heap: Heap<T>): T[] {
  const out: T[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
}

describe('Heap', () => {
  it('gives items back in order, whether pushed one by one or built from an array', () => {
    const random = new SeededRandom(1);
    const keys = Array.from({ length: 500 }, () => random.int(100));
    const sorted = [...keys].sort((a, b) => a - b);
    const pushed = new Heap<number>((a, b) => a < b);
    for (const k of keys) pushed.push(k);
    expect(drain(pushed)).toEqual(sorted);
    expect(drain(new Heap<number>((a, b) => a < b, undefined, [...keys]))).toEqual(sorted);
  });

  it('removes and re-keys items anywhere by their tracked position', () => {
    const random = new SeededRandom(2);
    const heap = new Heap<Item>(
      (a, b) => a.key < b.key,
      (item, index) => {
        item.index = index;
      },
    );
    const items = Array.from({ length: 300 }, () => ({ key: random.int(1000), index: -1 }));
    for (const item of items) heap.push(item);
    const removed = items.filter((_, i) => i % 3 === 0);
    for (const item of removed) expect(heap.removeAt(item.index)).toBe(item);
    for (const item of removed) expect(item.index).toBe(-1);
    const kept = items.filter((_, i) => i % 3 !== 0);
    for (const item of kept.filter((_, i) => i % 5 === 0)) {
      item.key = random.int(1000);
      heap.updateAt(item.index);
    }
    expect(drain(heap).map((i) => i.key)).toEqual(kept.map((i) => i.key).sort((a, b) => a - b));
  });
});

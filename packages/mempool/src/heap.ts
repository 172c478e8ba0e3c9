/**
 * A binary heap. `before(a, b)` is true when `a` must come out before `b`. An optional `onIndex` callback is told
 * every item's new position, so callers can keep it on the item and later `removeAt` or `updateAt` it in O(log n).
 */
export class Heap<T> {
  readonly #items: T[];
  readonly #before: (a: T, b: T) => boolean;
  readonly #onIndex: ((item: T, index: number) => void) | undefined;

  constructor(before: (a: T, b: T) => boolean, onIndex?: (item: T, index: number) => void, items: T[] = []) {
    this.#before = before;
    this.#onIndex = onIndex;
    this.#items = items;
    for (let i = 0; i < items.length; i++) this.#place(i);
    for (let i = (items.length >>> 1) - 1; i >= 0; i--) this.#down(i);
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    this.#items.push(item);
    this.#place(this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    if (this.#items.length === 0) return undefined;
    return this.removeAt(0);
  }

  /** Removes and returns the item at `index` (as last reported through `onIndex`). */
  removeAt(index: number): T {
    const items = this.#items;
    const item = items[index];
    if (item === undefined) throw new RangeError(`heap index ${index} out of range (size ${items.length})`);
    const last = items.pop() as T;
    if (index < items.length) {
      items[index] = last;
      this.#place(index);
      this.#down(index);
      this.#up(index);
    }
    this.#onIndex?.(item, -1);
    return item;
  }

  /** Restores the order after the key of the item at `index` changed. */
  updateAt(index: number): void {
    this.#down(index);
    this.#up(index);
  }

  /** The items in no particular order. */
  values(): IterableIterator<T> {
    return this.#items.values();
  }

  #place(index: number): void {
    this.#onIndex?.(this.#items[index] as T, index);
  }

  #up(index: number): void {
    const items = this.#items;
    let i = index;
    const item = items[i] as T;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const p = items[parent] as T;
      if (!this.#before(item, p)) break;
      items[i] = p;
      this.#place(i);
      i = parent;
    }
    items[i] = item;
    this.#place(i);
  }

  #down(index: number): void {
    const items = this.#items;
    const n = items.length;
    let i = index;
    const item = items[i] as T;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.#before(items[right] as T, items[left] as T)) child = right;
      const c = items[child] as T;
      if (!this.#before(c, item)) break;
      items[i] = c;
      this.#place(i);
      i = child;
    }
    items[i] = item;
    this.#place(i);
  }
}

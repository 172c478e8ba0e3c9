/**
 * A bounded cache that approximates least-recently-used eviction with two generations (the "quick-lru"
 * scheme): entries go into the young map; a hit in the old map moves the entry to the young one; when the young
 * map is full it becomes the old one and the previous old generation is dropped. Holds at most `maxEntries`
 * entries and at least the last `maxEntries / 2` set or hit, and a hit on a young entry costs one Map lookup (a
 * true LRU's delete-and-reinsert on every hit cost a quarter of an update's time on a 200k-entry map). Evicting
 * one oldest entry per insert is worse still: V8 leaves deleted Map entries in place until it rehashes, and every
 * fresh `keys().next()` walks past them, 7–31 µs per insert at 10k–100k entries.
 */
export class LruCache<K, V> {
  readonly #half: number;
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) throw new RangeError('maxEntries must be an integer >= 0');
    this.#half = Math.floor(maxEntries / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#insert(key, old);
    }
    return old;
  }

  /** Like `get`, a hit counts as a use. */
  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) this.#young.set(key, value);
    else {
      this.#old.delete(key);
      this.#insert(key, value);
    }
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }

  #insert(key: K, value: V): void {
    if (this.#half === 0) return;
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}

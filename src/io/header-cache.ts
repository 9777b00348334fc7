/**
 * A small process-wide LRU of parsed headers keyed by URL, so that opening the same remote file
 * again costs no request. Values are whatever the opener stores (the parsed dataset).
 *
 * @example
 * ```ts
 * const cache = new HeaderCache<string>(2);
 * cache.set("a", "header"); cache.get("a"); // "header"
 * ```
 */
export class HeaderCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(k);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

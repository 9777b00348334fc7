import { CogError } from "../errors.js";

interface Entry<T> {
  promise: Promise<T>;
  /** Bytes once resolved; 0 while in flight. */
  size: number;
  /** Callers still waiting; the shared load is cancelled when the last one gives up. */
  waiters: number;
  controller: AbortController;
  /** Set once the load has resolved. */
  loaded: boolean;
}

/**
 * A least-recently-used cache of promises, bounded by the bytes their values hold (`sizeOf`).
 * Two concurrent asks for one key share one load; a rejected load is forgotten at once, so a
 * transient failure is not remembered. Each caller may abort its own wait: the shared load is
 * cancelled only when every caller waiting on it has aborted. The block cache and the decoded
 * tile cache are built on it.
 *
 * @example
 * ```ts
 * const cache = new LruCache<Uint8Array>({ maxBytes: 1 << 20, sizeOf: (b) => b.byteLength });
 * const bytes = await cache.get("k", (signal) => source.read(0, 100, { signal }));
 * ```
 */
export class LruCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;
  /** Asks served from the cache (or joined in flight), loads, and entries evicted. */
  readonly stats = { hits: 0, misses: 0, evictions: 0 };

  constructor(
    private readonly opts: {
      /** Byte budget of resolved entries; 0 only shares loads in flight. */
      maxBytes: number;
      sizeOf: (value: T) => number;
      /** Told each ask served without a load. */
      onServed?: (key: string, inFlight: boolean) => void;
    },
  ) {}

  /** The byte budget (`maxBytes`). */
  get capacity(): number {
    return this.opts.maxBytes;
  }

  /** Bytes held by resolved entries. */
  get size(): number {
    return this.bytes;
  }

  /** True when `key` is held or in flight. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * The cached value for `key`, or what `load` gives (once, however many callers ask).
   * With `maxBytes` 0 the cache only deduplicates loads in flight.
   */
  get(key: string, load: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    // A caller that has already given up starts nothing.
    if (signal?.aborted) return Promise.reject(new CogError("COG_ABORT", "read aborted", {}, { cause: signal.reason }));
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.stats.hits++;
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, entry);
      this.served(key, !entry.loaded);
    } else {
      this.stats.misses++;
      const controller = new AbortController();
      const created: Entry<T> = { promise: Promise.resolve(undefined as T), size: 0, waiters: 0, controller, loaded: false };
      created.promise = load(controller.signal).then(
        (value) => {
          created.loaded = true;
          if (this.entries.get(key) === created) {
            if (this.opts.maxBytes <= 0) this.entries.delete(key);
            else this.account(key, created, value);
          }
          return value;
        },
        (error: unknown) => {
          if (this.entries.get(key) === created) this.entries.delete(key);
          throw error;
        },
      );
      created.promise.catch(() => undefined);
      this.entries.set(key, created);
      entry = created;
    }
    return this.wait(entry, signal);
  }

  /**
   * Stores a value already at hand unless `key` is held or in flight. Counts neither a hit nor
   * a miss.
   *
   * @example
   * ```ts
   * cache.put("a.tif|1024|512", bytes);
   * ```
   */
  put(key: string, value: T): void {
    if (this.opts.maxBytes <= 0 || this.entries.has(key)) return;
    const entry: Entry<T> = { promise: Promise.resolve(value), size: 0, waiters: 0, controller: new AbortController(), loaded: true };
    this.entries.set(key, entry);
    this.account(key, entry, value);
  }

  /** Drops every entry whose key starts with `prefix` (all with no prefix). */
  clear(prefix = ""): void {
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      this.entries.delete(key);
      this.bytes -= entry.size;
    }
  }

  private account(key: string, entry: Entry<T>, value: T): void {
    // At least 1 byte, so that a resolved entry is never taken for one in flight.
    const size = Math.max(1, this.opts.sizeOf(value));
    // A value larger than the whole budget is handed over uncached: keeping it would first
    // evict every other entry, then itself.
    if (size > this.opts.maxBytes) {
      this.entries.delete(key);
      return;
    }
    entry.size = size;
    this.bytes += size;
    this.evict();
  }

  private served(key: string, inFlight: boolean): void {
    try {
      this.opts.onServed?.(key, inFlight);
    } catch {
      // a logger's failure must not fail the read
    }
  }

  private wait(entry: Entry<T>, signal?: AbortSignal): Promise<T> {
    if (signal === undefined) {
      entry.waiters++;
      return entry.promise.finally(() => entry.waiters--);
    }
    if (signal.aborted) return Promise.reject(new CogError("COG_ABORT", "read aborted", {}, { cause: signal.reason }));
    entry.waiters++;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = () => {
        done = true;
        entry.waiters--;
        signal.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        if (done) return;
        finish();
        if (entry.waiters === 0 && entry.size === 0) entry.controller.abort(signal.reason);
        reject(new CogError("COG_ABORT", "read aborted", {}, { cause: signal.reason }));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      entry.promise.then(
        (v) => {
          if (done) return;
          finish();
          resolve(v);
        },
        (e: unknown) => {
          if (done) return;
          finish();
          reject(e);
        },
      );
    });
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) return;
      if (entry.size === 0) continue; // in flight
      this.entries.delete(key);
      this.bytes -= entry.size;
      this.stats.evictions++;
    }
  }
}

import { CogError } from "../errors.js";

interface Entry {
  promise: Promise<Uint8Array>;
  /** Bytes once resolved; 0 while in flight. */
  size: number;
  /** Callers still waiting; the shared fetch is cancelled when the last one gives up. */
  waiters: number;
  controller: AbortController;
}

/**
 * A least-recently-used cache of byte ranges, bounded by bytes. It caches promises, so two
 * concurrent reads of one block cost one request; a rejected read is forgotten at once, so a
 * transient failure is not remembered. Each caller may abort its own wait: the shared request
 * is cancelled only when every caller waiting on it has aborted.
 *
 * @example
 * ```ts
 * const cache = new BlockCache({ maxBytes: 64 * 1024 * 1024 });
 * const bytes = await cache.get("a.tif|1024|512", (signal) => source.read(1024, 512, { signal }));
 * ```
 */
export class BlockCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Reads served from the cache (or joined in flight) and reads that went to the source. */
  readonly stats = { hits: 0, misses: 0, evictions: 0 };

  constructor(private readonly opts: { maxBytes: number }) {}

  /** Bytes held by resolved entries. */
  get size(): number {
    return this.bytes;
  }

  /** True when `key` is held or in flight. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * The cached bytes for `key`, or what `load` fetches (once, however many callers ask).
   * With `maxBytes` 0 the cache only deduplicates reads in flight.
   */
  get(key: string, load: (signal: AbortSignal) => Promise<Uint8Array>, signal?: AbortSignal): Promise<Uint8Array> {
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.stats.hits++;
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, entry);
    } else {
      this.stats.misses++;
      const controller = new AbortController();
      const created: Entry = { promise: Promise.resolve(new Uint8Array(0)), size: 0, waiters: 0, controller };
      created.promise = load(controller.signal).then(
        (bytes) => {
          if (this.entries.get(key) === created) {
            if (this.opts.maxBytes <= 0) this.entries.delete(key);
            else {
              created.size = bytes.byteLength;
              this.bytes += bytes.byteLength;
              this.evict();
            }
          }
          return bytes;
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

  /** Drops every entry whose key starts with `prefix` (all with no prefix). */
  clear(prefix = ""): void {
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      this.entries.delete(key);
      this.bytes -= entry.size;
    }
  }

  private wait(entry: Entry, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal === undefined) {
      entry.waiters++;
      return entry.promise.finally(() => entry.waiters--);
    }
    if (signal.aborted) return Promise.reject(new CogError("COG_ABORT", "read aborted", {}, { cause: signal.reason }));
    entry.waiters++;
    return new Promise<Uint8Array>((resolve, reject) => {
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

/** Default budget of the shared block cache: 64 MiB. */
export const DEFAULT_BLOCK_CACHE_BYTES = 64 * 1024 * 1024;

let shared: BlockCache | undefined;

/**
 * The process-wide block cache readers share unless given their own.
 *
 * @example
 * ```ts
 * sharedBlockCache().stats.hits;
 * ```
 */
export function sharedBlockCache(): BlockCache {
  shared ??= new BlockCache({ maxBytes: DEFAULT_BLOCK_CACHE_BYTES });
  return shared;
}

import { debugLogging } from "../env.js";
import { CogError } from "../errors.js";
import { debugLog, formatDebugLine, redactUrl } from "./debug-log.js";

interface Entry {
  promise: Promise<Uint8Array>;
  /** Bytes once resolved; 0 while in flight. */
  size: number;
  /** Callers still waiting; the shared fetch is cancelled when the last one gives up. */
  waiters: number;
  controller: AbortController;
  /** Set once the read has resolved. */
  loaded: boolean;
}

/**
 * A read the cache served without a request: `hit` for bytes held, `joined` for a read of the
 * same key still under way.
 *
 * @example
 * ```ts
 * const cache = new BlockCache({ maxBytes: 1 << 20, log: (e: BlockCacheEvent) => console.log(e.kind, e.key) });
 * ```
 */
export interface BlockCacheEvent {
  kind: "hit" | "joined";
  /** The key asked for: `"<url>|<offset>|<length>"` for the readers' blocks. */
  key: string;
}

/**
 * Options of {@link BlockCache}.
 *
 * @example
 * ```ts
 * const options: BlockCacheOptions = { maxBytes: 64 << 20, log: false };
 * ```
 */
export interface BlockCacheOptions {
  /** Byte budget of resolved entries; 0 only shares reads in flight. */
  maxBytes: number;
  /**
   * Told each read served without a request. Default: with `COGREAD_LOG_LEVEL=DEBUG` (looked up at
   * each event), a debug line on stderr such as `cogread: https://h/f.tif bytes=100-199 cached 0 B`
   * ({@link formatCacheLine}); `false`: nothing.
   */
  log?: ((event: BlockCacheEvent) => void) | false;
}

/**
 * The debug line of a block served by the block cache: its key's URL and range, `cached`
 * (`cached joined-in-flight` when it joined a read still under way) and 0 bytes. Keys are
 * `"<url>|<offset>|<length>"`; any other key is shown as it is.
 *
 * @example
 * ```ts
 * formatCacheLine("https://h/f.tif|100|100", true); // "https://h/f.tif bytes=100-199 cached joined-in-flight 0 B"
 * ```
 */
export function formatCacheLine(key: string, inFlight: boolean): string {
  const note = inFlight ? "cached joined-in-flight" : "cached";
  const m = /^(.*)\|(\d+)\|(\d+)$/s.exec(key);
  if (m === null) return `${redactUrl(key)} ${note} 0 B`;
  // Readers opened from bytes or a Source object key their blocks "object#<id>:<url>".
  const url = m[1]!.replace(/^object#\d+:/, "");
  return formatDebugLine({ url, ranges: [[Number(m[2]), Number(m[3])]], note, bytes: 0 });
}

/** The default {@link BlockCacheOptions.log}: a debug line, when the environment asks for them. */
function logFromEnv(event: BlockCacheEvent): void {
  if (debugLogging()) debugLog(formatCacheLine(event.key, event.kind === "joined"));
}

/**
 * A least-recently-used cache of byte ranges, bounded by bytes. It caches promises, so two
 * concurrent reads of one block cost one request; a rejected read is forgotten at once, so a
 * transient failure is not remembered. Each caller may abort its own wait: the shared request
 * is cancelled only when every caller waiting on it has aborted. Each read it serves without a
 * request is told to `log` (by default a `cached` debug line under `COGREAD_LOG_LEVEL=DEBUG`).
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

  readonly #log: ((event: BlockCacheEvent) => void) | undefined;

  constructor(private readonly opts: BlockCacheOptions) {
    this.#log = opts.log === false ? undefined : (opts.log ?? logFromEnv);
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
   * The cached bytes for `key`, or what `load` fetches (once, however many callers ask).
   * With `maxBytes` 0 the cache only deduplicates reads in flight.
   */
  get(key: string, load: (signal: AbortSignal) => Promise<Uint8Array>, signal?: AbortSignal): Promise<Uint8Array> {
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.stats.hits++;
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, entry);
      this.#tell({ kind: entry.loaded ? "hit" : "joined", key });
    } else {
      this.stats.misses++;
      const controller = new AbortController();
      const created: Entry = { promise: Promise.resolve(new Uint8Array(0)), size: 0, waiters: 0, controller, loaded: false };
      created.promise = load(controller.signal).then(
        (bytes) => {
          created.loaded = true;
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

  /**
   * Stores bytes already fetched (a merged request's blocks) unless `key` is held or in flight.
   * Counts neither a hit nor a miss, and logs nothing: it is no read.
   *
   * @example
   * ```ts
   * cache.put("a.tif|1024|512", bytes);
   * ```
   */
  put(key: string, bytes: Uint8Array): void {
    if (this.opts.maxBytes <= 0 || this.entries.has(key)) return;
    const size = bytes.byteLength;
    this.entries.set(key, { promise: Promise.resolve(bytes), size, waiters: 0, controller: new AbortController(), loaded: true });
    this.bytes += size;
    this.evict();
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

  #tell(event: BlockCacheEvent): void {
    try {
      this.#log?.(event);
    } catch {
      // a logger's failure must not fail the read
    }
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

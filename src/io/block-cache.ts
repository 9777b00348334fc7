import { debugLogging } from "../env.js";
import { redactUrl } from "../redact.js";
import { debugLog, formatDebugLine } from "./debug-log.js";
import { LruCache } from "./lru-cache.js";


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
export class BlockCache extends LruCache<Uint8Array> {
  constructor(opts: BlockCacheOptions) {
    const log = opts.log === false ? undefined : (opts.log ?? logFromEnv);
    super({
      maxBytes: opts.maxBytes,
      sizeOf: (bytes) => bytes.byteLength,
      onServed: log && ((key, inFlight) => log({ kind: inFlight ? "joined" : "hit", key })),
    });
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

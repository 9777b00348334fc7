import type { BlockCache } from "./io/block-cache.js";
import type { TileCache } from "./raster/tile-cache.js";
import type { HeaderSnapshot } from "./io/snapshot.js";
import type { S3SourceOptions } from "./source/s3-request.js";
import type { HttpSettings } from "./source/open.js";
import type { DecodePool } from "./decode/worker-pool.js";

/**
 * Safety limits applied while parsing untrusted files. Exceeding one throws `COG_LIMIT`.
 *
 * @example
 * ```ts
 * const cog = await COGReader.open("huge.tif", { limits: { maxIfds: 64, maxWindowBytes: 1 << 30 } });
 * ```
 */
export interface CogLimits {
  /** Most IFDs followed in the main chain. */
  maxIfds: number;
  /** Most bytes of one tag's value loaded while opening (block arrays excluded: they load lazily). */
  maxTagBytes: number;
  /** Most bytes of tag values loaded for the whole file while opening. */
  maxHeaderBytes: number;
  /** Most tiles (or strips) one image level may have. */
  maxTiles: number;
  /**
   * Most bytes of one decoded tile or strip (all its bands, plus one byte a pixel for its mask)
   * [32 MiB: a 2048² RGBA 8-bit tile takes 20 MiB; COGs use 256² to 1024² tiles]. A larger block
   * is refused with `COG_LIMIT` before it is fetched; this also bounds what a codec may inflate
   * to. Decoding holds about three times this at once (compressed, decoded, band-sequential), and
   * the time a tile takes grows with it: a file that declares 32 MiB tiles costs ~300 ms a call.
   */
  maxTileBytes: number;
  /**
   * Most bytes of one raster a read returns or builds on the way (a `readWindow` window, a
   * `read` or `tile` output, the source window they resample from). Larger is `COG_LIMIT`
   * before any fetch [128 MiB]. Resampling costs time in proportion to the output (about
   * 1–2 s for 128 MiB of bilinear output on a 2-core machine, part of it the OS handing out
   * fresh pages): raise it for big reads, lower it for a server that must answer fast.
   */
  maxWindowBytes: number;
}

/**
 * The default {@link CogLimits}.
 *
 * @example
 * ```ts
 * DEFAULT_LIMITS.maxIfds; // 1024
 * ```
 */
export const DEFAULT_LIMITS: Readonly<CogLimits> = Object.freeze({
  maxIfds: 1024,
  maxTagBytes: 16 * 1024 * 1024,
  maxHeaderBytes: 64 * 1024 * 1024,
  maxTiles: 50_000_000,
  maxTileBytes: 32 * 1024 * 1024,
  maxWindowBytes: 128 * 1024 * 1024,
});

/**
 * Options of {@link COGReader.open}.
 *
 * @example
 * ```ts
 * const cog = await COGReader.open("https://example.com/a.tif", { initialBytes: 32768 });
 * ```
 */
export interface OpenOptions {
  /** Bytes read by the first request (default 16 KiB, capped at the file size). */
  initialBytes?: number;
  /** Parsing limits; missing fields take {@link DEFAULT_LIMITS}. */
  limits?: Partial<CogLimits>;
  /** Extra HTTP headers for http(s) sources. */
  headers?: Record<string, string>;
  /**
   * HTTP(S) transport settings: `retries`, `timeoutMs`, `maxConcurrency`, `multiRange`, and
   * `maxWholeBodyBytes` (64 MiB: the most of a 200 answer kept when a server ignores `Range`).
   */
  http?: HttpSettings;
  /** Region, endpoint, credentials, requester-pays for s3:// URLs. */
  s3?: S3SourceOptions;
  /** Cancels opening. */
  signal?: AbortSignal;
  /**
   * Cache of compressed block bytes: a {@link BlockCache}, `false` to cache nothing (reads in
   * flight are still shared), or by default one 64 MiB cache shared by every reader.
   */
  blockCache?: BlockCache | false;
  /**
   * Cache of decoded tiles: a {@link TileCache}, `false` to keep none (decodes in flight are
   * still shared), or by default one 32 MiB cache shared by every reader.
   * `COGREAD_ENABLE_BLOCK_CACHE=FALSE` turns it off too.
   */
  tileCache?: TileCache | false;
  /** Open from a header snapshot ({@link COGReader.snapshot}): no request until a tile is read. */
  snapshot?: HeaderSnapshot;
  /**
   * Blocks of one read (a window, a map tile) whose byte ranges are at most this far apart are
   * fetched in one request (default 16 KiB: a row of GDAL COG tiles is one request).
   */
  mergeGap?: number;
  /** Largest merged request, in bytes (default 8 MiB). */
  maxMergedBytes?: number;
  /** Reuse the parsed header of a remote URL opened before (default true): 0 requests to reopen. */
  headerCache?: boolean;
  /** Decode blocks on worker threads ({@link createDecodePool}); default: on the calling thread. */
  decodePool?: DecodePool;
}

/** Default {@link OpenOptions.mergeGap}. */
export const DEFAULT_MERGE_GAP = 16 * 1024;

/** Default {@link OpenOptions.maxMergedBytes}. */
export const DEFAULT_MAX_MERGED_BYTES = 8 * 1024 * 1024;

/** Default size of the first read. */
export const DEFAULT_INITIAL_BYTES = 16 * 1024;

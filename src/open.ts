import { CogError, isCogError, loadPart } from "./errors.js";
import { envSettings } from "./env.js";
import { sharedBlockCache } from "./io/block-cache.js";
import { sharedTileCache } from "./raster/tile-cache.js";
import { HeaderCache } from "./io/header-cache.js";
import { HeaderReader } from "./io/header-reader.js";
import { CountingSource } from "./io/stats.js";
import { DEFAULT_INITIAL_BYTES, DEFAULT_LIMITS, type OpenOptions } from "./options.js";
import type { GeoExtent } from "./raster/geo-extent.js";
import { zoomRange } from "./locate/web-mercator.js";
import { openSource, type SourceInput } from "./source/open.js";
import { readTiffDataset, type TiffDataset } from "./tiff/dataset.js";
import { transformBounds } from "./tiff/georef.js";

/**
 * Opens a source and parses its header: the first `initialBytes` in one read, more only with
 * doubling readahead; then where the image lies on the web map, when its CRS is known. Any
 * failure closes the source; a non-cogread error while parsing becomes `COG_FORMAT`.
 *
 * @example
 * ```ts
 * const { source, dataset } = await openFile("a.tif", {});
 * ```
 */
export async function openFile(
  input: SourceInput,
  options: OpenOptions,
): Promise<{ source: CountingSource; dataset: TiffDataset; extent: GeoExtent | Error | undefined; cacheKey: string }> {
  const cacheKey = cacheKeyOf(input, typeof input === "string" ? input : input instanceof URL ? input.href : "");
  const env = envSettings();
  const cacheable = (options.headerCache ?? env.headerCache ?? true) !== false && /^(https?|s3|gs):\/\//i.test(cacheKey);
  const cached = cacheable ? headerCache.get(cacheKey) : undefined;
  const snapshot = options.snapshot ? (await loadPart(import("./io/snapshot-decode.js"))).decodeSnapshot(options.snapshot) : undefined;
  // A changed file drops what was cached of it: its header, its blocks and its decoded tiles.
  const onChange = () => {
    headerCache.delete(cacheKey);
    sharedBlockCache().clear(`${cacheKey}|`);
    if (options.blockCache) options.blockCache.clear(`${cacheKey}|`);
    sharedTileCache().clear(`${cacheKey}|`);
    if (options.tileCache) options.tileCache.clear(`${cacheKey}|`);
  };
  const expectedEtag = cached?.etag ?? snapshot?.etag;
  const source = new CountingSource(openSource(input, { headers: options.headers, http: options.http, s3: options.s3, expectedEtag, onChange }), { debug: env.debug });
  const url = source.url;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const initialBytes = options.initialBytes ?? env.initialBytes ?? DEFAULT_INITIAL_BYTES;
  if (!Number.isSafeInteger(initialBytes) || initialBytes < 16) {
    throw new CogError("COG_USAGE", `initialBytes must be an integer >= 16, got ${initialBytes}`, { url });
  }
  if (cached !== undefined) return { source, dataset: cached.dataset, extent: cached.extent, cacheKey };
  const header = new HeaderReader((offset, length, signal) => source.read(offset, length, { signal }), { initialBytes, size: source.size, url, chunk: env.headerChunkSize });
  if (snapshot) header.restore(snapshot.segments, snapshot.size);
  try {
    if (!snapshot) await header.ensure(0, Math.min(initialBytes, source.size ?? initialBytes), { signal: options.signal, readahead: false }).catch((e: unknown) => {
      // A file shorter than asked: the header parser says what is wrong with what is there.
      if (!isCogError(e, "COG_FORMAT")) throw e;
    });
    const dataset = await readTiffDataset(header, { limits, url, signal: options.signal });
    source.stats.headerSize = source.stats.bytes;
    const gt = dataset.transform;
    const main = dataset.images[0];
    const northUp = gt !== undefined && gt[2] === 0 && gt[4] === 0;
    // Where the image lies on the web map: its code and proj4 load only for a north-up file.
    const bounds = northUp ? transformBounds(gt, main.width, main.height) : undefined;
    const extent = bounds ? await (await loadPart(import("./raster/geo-extent.js"))).geoExtent({ crs: dataset.crs, bounds, width: main.width, height: main.height, url }, zoomRange) : undefined;
    if (cacheable) headerCache.set(cacheKey, { dataset, extent, etag: (source.inner as { etag?: string }).etag });
    return { source, dataset, extent, cacheKey };
  } catch (e) {
    await source.close().catch(() => undefined);
    if (isCogError(e)) throw e;
    throw new CogError("COG_FORMAT", `cannot parse file: ${(e as Error).message}`, { url }, { cause: e });
  }
}

/** Parsed headers of remote files, by URL: a second open of the same URL costs no request. */
export const headerCache = new HeaderCache<{ dataset: TiffDataset; extent: GeoExtent | Error | undefined; etag?: string }>(128);

const sourceIds = new WeakMap<object, number>();
let nextSourceId = 0;

/**
 * What shared caches key a file by: its URL or path when it was opened by one (so readers of the
 * same URL share blocks), else the identity of the bytes or Source object it was opened with.
 */
function cacheKeyOf(input: SourceInput, url: string): string {
  if (typeof input === "string" || input instanceof URL) return url;
  let id = sourceIds.get(input);
  if (id === undefined) sourceIds.set(input, (id = nextSourceId++));
  return `object#${id}:${url}`;
}

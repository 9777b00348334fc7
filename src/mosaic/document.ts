import { CogError } from "../errors.js";
import { openSource, type SourceOptions } from "../source/open.js";
import type { Source } from "../source/types.js";
import { concatBytes, gunzip, isGzip } from "./gunzip.js";
import type { MosaicJSON } from "./types.js";

/** Default largest MosaicJSON document read (and inflated, for `.json.gz`): 256 MiB. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/**
 * Reads a MosaicJSON document: from an object (checked), bytes, or a path or URL (`file://`,
 * `http(s)://`, `s3://`, `gs://`) through {@link openSource}. A gzip stream (`.json.gz`) is
 * recognised by its magic number and inflated. Resolves to the checked document and the URL it
 * came from; a document that is not MosaicJSON is `COG_FORMAT` with the URL.
 *
 * @example
 * ```ts
 * const { mosaic } = await loadMosaicDocument("https://example.com/mosaic.json.gz", {});
 * ```
 */
export async function loadMosaicDocument(
  input: string | URL | Uint8Array | MosaicJSON,
  opts: SourceOptions & { signal?: AbortSignal; maxDocumentBytes?: number },
): Promise<{ mosaic: MosaicJSON; url?: string }> {
  const max = opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  if (!(input instanceof Uint8Array) && !(input instanceof URL) && typeof input === "object" && input !== null) {
    return { mosaic: checkMosaic(input, undefined) };
  }
  if (typeof input !== "string" && !(input instanceof URL) && !(input instanceof Uint8Array)) {
    throw new CogError("COG_USAGE", `a mosaic is a MosaicJSON object, bytes, a path or a URL, got ${input === null ? "null" : typeof input}`);
  }
  let bytes: Uint8Array;
  let url: string | undefined;
  if (input instanceof Uint8Array) bytes = input;
  else {
    const source = openSource(input, opts);
    url = source.url;
    try {
      bytes = await readWhole(source, max, opts.signal);
    } finally {
      await source.close?.().catch(() => undefined);
    }
  }
  if (isGzip(bytes)) bytes = await gunzip(bytes, max, url);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new CogError("COG_FORMAT", `not a MosaicJSON document: ${(e as Error).message}`, { url }, { cause: e });
  }
  return { mosaic: checkMosaic(parsed, url), url };
}

/** Every byte of a source: 1 MiB first, then the rest once the size is known (else doubling). */
async function readWhole(source: Source, max: number, signal?: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  let chunk = Math.min(1 << 20, max + 1);
  for (;;) {
    const want = source.size !== undefined ? Math.min(source.size - n, max + 1 - n) : chunk;
    if (want <= 0 && n > 0) break;
    const got = await source.read(n, Math.max(want, 1), { signal });
    parts.push(got);
    n += got.length;
    if (n > max) throw new CogError("COG_LIMIT", `mosaic document is larger than ${max} bytes`, { url: source.url, limit: "maxDocumentBytes" });
    if (got.length < want || (source.size !== undefined && n >= source.size)) break;
    chunk = Math.min(chunk * 2, max + 1 - n);
  }
  return concatBytes(parts, n);
}

/**
 * Checks that `doc` is a MosaicJSON document cogread can read (the members cogeo-mosaic's model
 * requires, with its defaults: minzoom 0, maxzoom 30, bounds the world, quadkey_zoom minzoom)
 * and returns it with the defaults filled in. Anything else is `COG_FORMAT` naming the member.
 *
 * @example
 * ```ts
 * const doc = checkMosaic(JSON.parse(text), "mosaic.json");
 * ```
 */
export function checkMosaic(doc: unknown, url: string | undefined): MosaicJSON {
  const bad = (what: string): never => {
    throw new CogError("COG_FORMAT", `not a MosaicJSON document: ${what}`, { url });
  };
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return bad("not a JSON object");
  const d = doc as Record<string, unknown>;
  if (typeof d.mosaicjson !== "string" || !/^\d+\.\d+\.\d+$/.test(d.mosaicjson)) bad(`"mosaicjson" must be a version string such as "0.0.3", got ${JSON.stringify(d.mosaicjson)}`);
  const zoom = (name: string, fallback: number | undefined): number | undefined => {
    const v = d[name] ?? fallback;
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 30) bad(`"${name}" must be an integer 0-30, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const minzoom = zoom("minzoom", 0)!;
  const maxzoom = zoom("maxzoom", 30)!;
  if (minzoom > maxzoom) bad(`"minzoom" ${minzoom} is above "maxzoom" ${maxzoom}`);
  zoom("quadkey_zoom", undefined);
  const bounds = d.bounds ?? [-180, -90, 180, 90];
  if (!Array.isArray(bounds) || bounds.length !== 4 || !bounds.every((v) => typeof v === "number" && Number.isFinite(v))) bad(`"bounds" must be 4 numbers, got ${JSON.stringify(d.bounds)}`);
  const b = bounds as [number, number, number, number];
  const center = d.center ?? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, minzoom];
  if (!Array.isArray(center) || center.length !== 3 || !center.every((v) => typeof v === "number" && Number.isFinite(v))) bad(`"center" must be [lon, lat, zoom], got ${JSON.stringify(d.center)}`);
  for (const name of ["name", "description", "version", "attribution", "asset_prefix", "asset_type", "data_type"]) {
    if (d[name] !== undefined && d[name] !== null && typeof d[name] !== "string") bad(`"${name}" must be a string, got ${JSON.stringify(d[name])}`);
  }
  const tms = d.tilematrixset as { id?: unknown } | undefined | null;
  if (tms !== undefined && tms !== null && tms.id !== "WebMercatorQuad") {
    throw new CogError("COG_UNSUPPORTED", `mosaic tile matrix set ${JSON.stringify(tms.id)}: only WebMercatorQuad is supported`, { url });
  }
  if (typeof d.tiles !== "object" || d.tiles === null || Array.isArray(d.tiles)) bad(`"tiles" must be an object of quadkey: [assets]`);
  // Keys of another length than quadkey_zoom are kept but never match (cogeo-mosaic's lookup).
  for (const [key, assets] of Object.entries(d.tiles as Record<string, unknown>)) {
    if (!/^[0-3]*$/.test(key)) bad(`tiles key ${JSON.stringify(key)} is not a quadkey`);
    if (!Array.isArray(assets) || !assets.every((a) => typeof a === "string")) bad(`tiles["${key}"] must be an array of strings`);
  }
  const out = { ...d, minzoom, maxzoom, bounds: b, center } as MosaicJSON;
  for (const name of ["name", "description", "attribution", "asset_prefix", "asset_type", "data_type", "tilematrixset"]) if (out[name] === null) delete out[name];
  return out;
}

// The calls every runtime test makes on every codec fixture, in Node, in Chromium and in workerd,
// reduced to digests that must be equal everywhere. Bundled as it is into the browser page and
// the Worker, so it imports nothing: the cogread module is passed in.
import type * as Cogread from "../../src/index.js";
import type * as CogreadRender from "../../src/render.js";
import type * as CogreadMosaic from "../../src/mosaic.js";

/** One fixture per codec case of issue 10 (names describe the files; see test/fixtures/README.md). */
export const CODEC_FIXTURES = [
  "uint8_1band_none_block256_ovr1.tif",
  "uint8_1band_deflate_block256_ovr2.tif",
  "float32_1band_deflate_block256_predictor3_nodata-9999_ovr2.tif",
  "uint8_1band_lzw_block256_ovr2.tif",
  "uint8_3band_jpeg_ycbcr_block256_ovr2.tif",
  "uint8_1band_jpeg_block256_ovr2.tif",
  "uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif",
  "uint8_3band_webp_lossless_block256_ovr1.tif",
  "uint8_1band_zstd_block256_ovr2.tif",
  "uint8_1band_lerc_block256_ovr2.tif",
  "float32_1band_lerc_zstd_block256_ovr1.tif",
  "float32_1band_lerc_deflate_block256_ovr1.tif",
  "uint8_1band_packbits_block256_ovr1.tif",
];

/** What each call gave: `WxHxB dtype hash` of data and mask, or `ERROR <code>: <message>`. */
export type CaseDigests = Record<string, string>;

/** FNV-1a (32-bit) over bytes: enough to tell pixels apart, and the same in every runtime. */
export function fnv(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

function digest(r: { width: number; height: number; bands: number; dtype: string; data: ArrayBufferView; mask?: Uint8Array }): string {
  const data = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  const mask = r.mask ? fnv(r.mask).toString(16) : "-";
  return `${r.width}x${r.height}x${r.bands} ${r.dtype} ${fnv(data).toString(16)} mask ${mask}`;
}

async function attempt(call: () => Promise<string>): Promise<string> {
  try {
    return await call();
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return `ERROR ${err.code ?? "untyped"}: ${String(err.message ?? e).slice(0, 300)}`;
  }
}

/** Web Mercator tile of a lon/lat at zoom z. */
export function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

/** The map tile at the centre of the image at its maxzoom, when it has a known CRS. */
export function centreTile(cog: { geographicBounds?: readonly number[]; maxzoom?: number }): [number, number, number] | undefined {
  const geo = cog.geographicBounds;
  const z = cog.maxzoom;
  if (!geo || z === undefined) return undefined;
  return [...tileOf((geo[0] + geo[2]) / 2, (geo[1] + geo[3]) / 2, z), z];
}

/**
 * Opens `${baseUrl}/${name}` for each fixture and digests open, its CRS, getTile(0, 0, 0), getTile of the
 * last overview, read (bilinear, 50×40 over the image bounds) and the map tile at the centre
 * at maxzoom.
 */
export async function runCases(
  cogread: typeof Cogread,
  baseUrl: string,
  names: readonly string[] = CODEC_FIXTURES,
  options: Cogread.OpenOptions = {},
): Promise<Record<string, CaseDigests>> {
  const out: Record<string, CaseDigests> = {};
  for (const name of names) {
    const result: CaseDigests = {};
    out[name] = result;
    let cog: Cogread.COGReader;
    try {
      cog = await cogread.COGReader.open(`${baseUrl}/${name}`, { headerCache: false, ...options });
    } catch (e) {
      result.open = await attempt(() => Promise.reject(e));
      continue;
    }
    result.open = `${cog.width}x${cog.height} ${cog.ifds.length} levels ${cog.profile.dtype}`;
    // The CRS (its parser and EPSG tables are a lazy chunk) and where it puts the image.
    result.crs = `${JSON.stringify(cog.crs)} ${cog.geographicBounds?.map((v) => v.toFixed(6)).join(",") ?? "-"}`;
    result.metadata = JSON.stringify(cog.metadata); // GDAL_METADATA's parser is a lazy chunk too
    result.getTile = await attempt(async () => digest(await cog.getTile(0, 0, 0)));
    const last = cog.ifds.length - 1;
    result.getTileOverview = await attempt(async () => digest(await cog.getTile(0, 0, last)));
    const bounds = cog.bounds;
    if (bounds) result.read = await attempt(async () => digest(await cog.read(bounds, { width: 50, height: 40 }, { resampling: "bilinear" })));
    const xyz = centreTile(cog);
    if (xyz) result.tile = await attempt(async () => digest(await cog.tile(...xyz)));
    await cog.close();
  }
  // A multi-range read answered 206 multipart/byteranges: the body parser is a lazy chunk.
  out.multipart = { readRanges: await attempt(() => multipartDigest(cogread, `${baseUrl}${MULTIPART_PREFIX}/${names[0]}`)) };
  // An s3:// URL (the S3 source is a lazy chunk, its request signing another, aws4fetch a third):
  // the server under `${baseUrl}/${S3_BUCKET}/` is a path-style endpoint that does not check signatures.
  out.s3 = { getTile: await attempt(async () => {
    const s3 = { endpoint: baseUrl, region: "eu-west-1", credentials: S3_KEYS };
    const cog = await cogread.COGReader.open(`s3://${S3_BUCKET}/${names[0]}`, { s3, headerCache: false, ...options });
    try {
      return digest(await cog.getTile(0, 0, 0));
    } finally {
      await cog.close();
    }
  }) };
  return out;
}

/** Bucket of the S3 case: paths under `/${S3_BUCKET}/` serve the same files. */
export const S3_BUCKET = "s3-bucket";
/** Made-up keys: requests are signed, the test server does not check. */
const S3_KEYS = { accessKeyId: "AKIDRUNTIMETEST00001", secretAccessKey: "not-a-secret" };

/** Paths under this prefix serve the same files, and answer multi-range requests with multipart/byteranges. */
export const MULTIPART_PREFIX = "/multipart";
/** The ranges the multipart case reads in one request. */
export const MULTIPART_RANGES: Array<[number, number]> = [[0, 256], [4096, 512]];

/** `length hash` of each range read by one multi-range request, and how many requests it took. */
async function multipartDigest(cogread: typeof Cogread, url: string): Promise<string> {
  const reports: unknown[] = [];
  const parts = await new cogread.FetchSource(url, { multiRange: "always" }).readRanges(MULTIPART_RANGES, { onRequest: (r) => reports.push(r) });
  return `${parts.map((p) => `${p.length} ${fnv(p).toString(16)}`).join(", ")} in ${reports.length} request`;
}

/**
 * cogread/render in this runtime: `length hash` of a PNG of the float32 DEM through a colormap
 * (palette, nodata transparent), a PNG of an RGB WebP tile (adaptive filters), a gray PNG, a JPEG
 * and a WebP (libwebp's WASM). PNGs compress with node:zlib in Node and pako elsewhere: the same bytes.
 */
export async function renderCases(cogread: typeof Cogread, render: typeof CogreadRender, baseUrl: string): Promise<CaseDigests> {
  const out: CaseDigests = {};
  const tileOf = async (name: string) => {
    const cog = await cogread.COGReader.open(`${baseUrl}/${name}`, { headerCache: false });
    try {
      return await cog.getTile(0, 0, 0);
    } finally {
      await cog.close();
    }
  };
  const bytes = (b: Uint8Array) => `${b.length} ${fnv(b).toString(16)}`;
  const dem = await tileOf("float32_1band_deflate_block256_predictor3_nodata-9999_ovr2.tif");
  out.terrain = await attempt(async () => bytes(await render.render(dem, { rescale: [[-20, 28]], colormap: "terrain" })));
  const rgb = await tileOf("uint8_3band_webp_lossy_block256_epsg3857_ovr2.tif");
  out.rgb = await attempt(async () => bytes(await render.render(rgb)));
  out.gray = await attempt(async () => bytes(await render.render(rgb, { bands: [2] })));
  out.jpeg = await attempt(async () => bytes(await render.render(rgb, { format: "jpeg" })));
  out.webp = await attempt(async () => bytes(await render.render(rgb, { format: "webp" })));
  return out;
}

/** The mosaic fixtures (test/fixtures/mosaic/), served under `/mosaic/`, and a gzip document of them there. */
export const MOSAIC_FIXTURES = ["cut_0.tif", "cut_1.tif", "cut_2.tif", "cut_3.tif"];
export const MOSAIC_DOCUMENT = "/mosaic/m.json.gz";

/**
 * cogread/mosaic in this runtime: createMosaic over HTTP (the document's digest), and a gzip
 * document (DecompressionStream outside Node) read with MosaicReader: a tile over the four pieces
 * with `first` and with `mean`, the assets used and the requests summed.
 */
export async function mosaicCases(mosaic: typeof CogreadMosaic, baseUrl: string): Promise<CaseDigests> {
  const out: CaseDigests = {};
  const urls = MOSAIC_FIXTURES.map((n) => `${baseUrl}/mosaic/${n}`);
  out.create = await attempt(async () => {
    const doc = await mosaic.createMosaic(urls, { reader: { headerCache: false } });
    return `${Object.keys(doc.tiles).length} quadkeys ${fnv(new TextEncoder().encode(JSON.stringify(doc).split(baseUrl).join(""))).toString(16)}`;
  });
  out.tile = await attempt(async () => {
    const reader = await mosaic.MosaicReader.open(`${baseUrl}${MOSAIC_DOCUMENT}`, { reader: { headerCache: false, blockCache: false, tileCache: false } });
    try {
      const first = await reader.tile(8201, 5400, 14);
      const mean = await reader.tile(8201, 5400, 14, { pixelSelection: "mean" });
      return `${digest(first)} ${digest(mean)} used ${first.assets.used.length} requests ${reader.requests.count}`;
    } finally {
      await reader.close();
    }
  });
  return out;
}

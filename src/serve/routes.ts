import { CogError } from "../errors.js";
import type { RenderFormat } from "../render/options.js";

/**
 * What a request path asks for.
 *
 * @example
 * ```ts
 * parseRoute("/tiles/dem/13/4402/2686@2x.webp");
 * // { kind: "tile", name: "dem", z: 13, x: 4402, y: 2686, scale: 2, format: "webp" }
 * ```
 */
export type Route =
  | { kind: "page" }
  | { kind: "datasets" }
  | { kind: "info"; name: string }
  | { kind: "tilejson"; name: string }
  | { kind: "tile"; name: string; z: number; x: number; y: number; scale: 1 | 2; format: RenderFormat }
  | { kind: "point"; name: string; lon: number; lat: number }
  | { kind: "notFound" };

/**
 * Deepest zoom a tile path may ask for (web map tile indices stay safe integers far beyond it).
 *
 * @example
 * ```ts
 * parseRoute(`/tiles/dem/${MAX_ZOOM}/0/0.png`); // a tile; one zoom deeper is COG_USAGE
 * ```
 */
export const MAX_ZOOM = 30;

const TILE = /^\/tiles\/([^/]+)\/(\d+)\/(\d+)\/(\d+)(@[12]x)?(?:\.(png|webp|jpe?g))?$/;
const FORMATS: Record<string, RenderFormat> = { png: "png", webp: "webp", jpg: "jpeg", jpeg: "jpeg" };

/**
 * Matches a path (no query) against the server's routes:
 * `/`, `/datasets`, `/info/{name}`, `/tilejson/{name}.json`,
 * `/tiles/{name}/{z}/{x}/{y}[@2x][.png|.webp|.jpg|.jpeg]` (PNG when no extension is given),
 * `/point/{name}/{lon},{lat}` (titiler's point query; a coordinate off the globe is `COG_USAGE`).
 * A tile path whose z, x or y lies off the WebMercatorQuad grid is `COG_USAGE`; a path that
 * matches no route is `notFound`; names are URL-decoded.
 *
 * @example
 * ```ts
 * parseRoute("/info/sample"); // { kind: "info", name: "sample" }
 * ```
 */
export function parseRoute(pathname: string): Route {
  if (pathname === "/" || pathname === "/index.html") return { kind: "page" };
  if (pathname === "/datasets" || pathname === "/datasets.json") return { kind: "datasets" };
  const info = /^\/info\/([^/]+?)(?:\.json)?$/.exec(pathname);
  if (info) return named("info", info[1]);
  const tilejson = /^\/tilejson\/([^/]+)\.json$/.exec(pathname);
  if (tilejson) return named("tilejson", tilejson[1]);
  const point = /^\/point\/([^/]+)\/([^/,]+),([^/,]+)$/.exec(pathname);
  if (point) return pointRoute(point[1], point[2], point[3]);
  const m = TILE.exec(pathname);
  if (m === null) return { kind: "notFound" };
  const name = decode(m[1]);
  if (name === undefined) return { kind: "notFound" };
  const [z, x, y] = [m[2], m[3], m[4]].map(Number);
  if (z > MAX_ZOOM) throw new CogError("COG_USAGE", `zoom ${z} is past the deepest zoom served, ${MAX_ZOOM}`);
  const n = 2 ** z;
  if (x >= n || y >= n) throw new CogError("COG_USAGE", `tile ${z}/${x}/${y} is off the grid: x and y run from 0 to ${n - 1} at zoom ${z}`, { x, y, z });
  return { kind: "tile", name, z, x, y, scale: m[5] === "@2x" ? 2 : 1, format: FORMATS[m[6] ?? "png"] };
}

function pointRoute(raw: string, lonText: string, latText: string): Route {
  const name = decode(raw);
  if (name === undefined) return { kind: "notFound" };
  const [lon, lat] = [Number(lonText), Number(latText)];
  if (lonText.trim() === "" || latText.trim() === "" || !(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90)) {
    throw new CogError("COG_USAGE", `point ${lonText},${latText}: longitude must be a number in [-180, 180] and latitude in [-90, 90]`);
  }
  return { kind: "point", name, lon, lat };
}

function named(kind: "info" | "tilejson", raw: string): Route {
  const name = decode(raw);
  return name === undefined ? { kind: "notFound" } : { kind, name };
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * The path of a tile, names encoded: what TileJSON and the page put in their URL templates.
 *
 * @example
 * ```ts
 * tilePath("my dem", "png", 1); // "/tiles/my%20dem/{z}/{x}/{y}.png"
 * ```
 */
export function tilePath(name: string, format: RenderFormat, scale: 1 | 2): string {
  const ext = format === "jpeg" ? "jpg" : format;
  return `/tiles/${encodeURIComponent(name)}/{z}/{x}/{y}${scale === 2 ? "@2x" : ""}.${ext}`;
}

import type { IncomingMessage } from "node:http";
import { CogError, isCogError } from "../index.js";
import { datasetInfo, summary, tileJson } from "./info.js";
import type { LogEntry } from "./log.js";
import { pageHtml } from "./page.js";
import { parseTileQuery, passThrough } from "./query.js";
import type { DatasetRegistry, OpenDataset } from "./registry.js";
import type { Route } from "./routes.js";
import { CONTENT_TYPES, drawTile, tileEtag } from "./tile.js";

/**
 * What the handlers share: the datasets and the server's settings.
 *
 * @example
 * ```ts
 * const ctx: Context = { registry, cacheControl: "public, max-age=3600", closing: false };
 * ```
 */
export interface Context {
  registry: DatasetRegistry;
  cacheControl: string;
  /** Set by close(): answers say `Connection: close`, so keep-alive connections end. */
  closing: boolean;
}

/**
 * One request being answered: its parsed URL and route, its log entry (the handlers fill in the
 * cost), a signal that aborts when the client goes away, and the two ways to answer.
 *
 * @example
 * ```ts
 * await answer(ctx, { req, url, route: parseRoute(url.pathname), entry, signal, send, json });
 * ```
 */
export interface Exchange {
  req: IncomingMessage;
  url: URL;
  route: Route;
  entry: LogEntry;
  signal: AbortSignal;
  send(status: number, body: string | Uint8Array, headers?: Record<string, string>): void;
  json(status: number, value: unknown, headers?: Record<string, string>): void;
}

/**
 * Answers a parsed request: the page, the dataset list, or a dataset's info, TileJSON or tile.
 * Throws what the client did wrong or what failed (the server turns it into a JSON error).
 *
 * @example
 * ```ts
 * await answer(ctx, exchange);
 * ```
 */
export async function answer(ctx: Context, x: Exchange): Promise<void> {
  const { registry } = ctx;
  const { route: r, url, json } = x;
  const notFound = (what: string) => json(404, { error: what, code: "NOT_FOUND" });
  if (r.kind === "notFound") return notFound(`no route ${url.pathname}: try /, /datasets, /info/{name}, /tilejson/{name}.json, /tiles/{name}/{z}/{x}/{y}.png or /point/{name}/{lon},{lat}`);
  if (r.kind === "page") {
    return x.send(200, pageHtml(registry.list(), url.searchParams.get("dataset") ?? undefined), { "content-type": "text/html; charset=utf-8" });
  }
  const base = baseUrl(x.req);
  if (r.kind === "datasets") {
    return json(200, registry.list().map((d) => ({ name: d.name, type: d.kind, info: `${base}/info/${encodeURIComponent(d.name)}`, tilejson: `${base}/tilejson/${encodeURIComponent(d.name)}.json` })));
  }
  const opening = registry.open(r.name);
  if (opening === undefined) return notFound(`no dataset ${JSON.stringify(r.name)}: see /datasets`);
  const before = registry.requestsSoFar(r.name);
  const cost = () => {
    const after = registry.requestsSoFar(r.name);
    x.entry.requests = after.count - before.count;
    x.entry.bytes = after.bytes - before.bytes;
  };
  // A bad query is 400 before the dataset opens.
  const query = parseTileQuery(url.searchParams);
  try {
    const ds = await opening;
    if (r.kind === "info") return json(200, datasetInfo(ds));
    if (r.kind === "tilejson") return json(200, tileJsonOf(ds, url, base));
    if (r.kind === "point") return await pointOf(ds, r, x);
    return await tile(ctx, x, ds, { ...r, query });
  } catch (e) {
    // The file changed under a kept header (or snapshot): open it again on the next request.
    if (isCogError(e, "COG_SOURCE_CHANGED")) await registry.reopen(r.name);
    throw e;
  } finally {
    cost();
  }
}

function tileJsonOf(ds: OpenDataset, url: URL, base: string): Record<string, unknown> {
  const format = ({ png: "png", webp: "webp", jpg: "jpeg", jpeg: "jpeg" } as const)[url.searchParams.get("tile_format") ?? "png"];
  const scale = ({ "1": 1, "2": 2 } as const)[url.searchParams.get("tile_scale") ?? "1"];
  if (format === undefined || scale === undefined) throw new CogError("COG_USAGE", "tile_format is png, webp or jpg, and tile_scale 1 or 2");
  return tileJson(summary(ds), { base, format, scale, query: passThrough(url.searchParams) });
}

/**
 * titiler's point query: the band values at a longitude/latitude (`mask` 0 where the dataset has
 * no valid pixel), or, for a mosaic, each asset's under the point. A point outside the dataset is
 * 404 `COG_TILE_OUTSIDE`.
 */
async function pointOf(ds: OpenDataset, r: Extract<Route, { kind: "point" }>, x: Exchange): Promise<void> {
  const coordinates = [r.lon, r.lat];
  try {
    if (ds.kind === "cog") {
      const { values, mask } = await ds.reader.point(r.lon, r.lat, { signal: x.signal });
      return x.json(200, { coordinates, values: values.map(Number), mask, band_names: values.map((_, i) => `b${i + 1}`) });
    }
    if (ds.reader.point === undefined) throw new CogError("COG_UNSUPPORTED", `mosaic ${ds.name} answers no point queries`);
    const assets = await ds.reader.point(r.lon, r.lat, { signal: x.signal });
    return x.json(200, { coordinates, values: assets.map((a) => ({ asset: a.url, values: a.values, mask: a.mask, error: a.error?.code })) });
  } catch (e) {
    if (isCogError(e, "COG_TILE_OUTSIDE")) return x.json(404, { error: e.message, code: e.code });
    throw e;
  }
}

/** A tile: 304 when the client holds it, 204 outside the dataset, else the image. */
async function tile(ctx: Context, x: Exchange, ds: OpenDataset, t: Extract<Route, { kind: "tile" }> & { query: ReturnType<typeof parseTileQuery> }): Promise<void> {
  const etag = tileEtag(ds.identity, x.url.pathname, passThrough(x.url.searchParams, []));
  const cacheHeaders = { etag, "cache-control": ctx.cacheControl };
  if (matches(x.req.headers["if-none-match"], etag)) return x.send(304, "", cacheHeaders);
  const body = await drawTile(ds, { x: t.x, y: t.y, z: t.z, tileSize: 256 * t.scale, format: t.format, query: t.query, signal: x.signal });
  if (body === undefined) return x.send(204, "", cacheHeaders);
  return x.send(200, body, { "content-type": CONTENT_TYPES[t.format], ...cacheHeaders });
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 §13.1.2 asks). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}

/** The address the client used, behind a proxy too (X-Forwarded-Proto, X-Forwarded-Host). */
function baseUrl(req: IncomingMessage): string {
  const first = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h)?.split(",")[0]?.trim();
  const proto = first(req.headers["x-forwarded-proto"]) === "https" ? "https" : "http";
  const host = first(req.headers["x-forwarded-host"]) ?? req.headers.host ?? "localhost";
  return `${proto}://${host}`;
}

import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BlockCache, CogError, DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_TILE_CACHE_BYTES, isCogError, TileCache } from "../index.js";
import type { OpenOptions } from "../options.js";
import { datasetInfo, summary, tileJson } from "./info.js";
import { formatLogLine, type LogEntry } from "./log.js";
import { openMosaicReader, type OpenMosaic } from "./mosaic-adapter.js";
import { pageHtml } from "./page.js";
import { parseTileQuery, passThrough } from "./query.js";
import { DatasetRegistry, findDatasets, type DatasetEntry } from "./registry.js";
import { parseRoute, type Route } from "./routes.js";
import { SnapshotStore } from "./snapshots.js";
import { CONTENT_TYPES, drawTile, tileEtag } from "./tile.js";

/**
 * Options of {@link startServer}.
 *
 * @example
 * ```ts
 * const options: ServeOptions = { root: "./data", port: 8080, snapshots: "./snapshots.json" };
 * ```
 */
export interface ServeOptions {
  /** A folder of `.tif`/`.tiff`/`.json`/`.json.gz` files, one such file, or a URL of one. */
  root: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** A JSON file of header snapshots: read at start, datasets opened without one written back. */
  snapshots?: string;
  /** Called once per request (default: the line on stderr); `false` logs nothing. */
  log?: ((line: string, entry: LogEntry) => void) | false;
  /** `Cache-Control` of tiles (default `public, max-age=3600`, as titiler's). */
  cacheControl?: string;
  /** Opens a MosaicJSON (default: `MosaicReader.open` of `cogread/mosaic`). */
  openMosaic?: OpenMosaic;
  /** Options every COG is opened with; by default each server has caches of its own (64 MiB of blocks, 32 MiB of tiles). */
  openOptions?: OpenOptions;
  /** Most milliseconds {@link TileServer.close} waits for requests in flight (default 10,000). */
  closeTimeoutMs?: number;
}

/**
 * A running tile server.
 *
 * @example
 * ```ts
 * const server = await startServer({ root: "./data", port: 0 });
 * console.log(server.url); // http://127.0.0.1:40123
 * await server.close();
 * ```
 */
export interface TileServer {
  /** `http://host:port` it listens on. */
  url: string;
  port: number;
  /** The datasets it serves. */
  datasets: DatasetEntry[];
  /** Stops accepting connections, lets requests in flight finish, closes the datasets. */
  close(): Promise<void>;
}

/**
 * Serves the COGs and MosaicJSONs of a folder as XYZ map tiles over node:http, with titiler's
 * query names:
 * - `/tiles/{name}/{z}/{x}/{y}[@2x][.png|.webp|.jpg]`: `bidx`, `rescale`, `colormap_name`,
 *   `colormap`, `resampling`, `pixel_selection` (mosaics), `nodata`, `return_mask`. A tile
 *   outside the dataset is 204 No Content. Tiles carry an `ETag` (`If-None-Match` → 304, with no
 *   read) and `Cache-Control`.
 * - `/info/{name}`, `/tilejson/{name}.json` (TileJSON 3.0.0), `/datasets`, and `/` (a MapLibre viewer).
 * - Errors are JSON `{ error, code }`: 404 `NOT_FOUND`, 400 `COG_USAGE`, 500 with the CogError's code.
 *
 * A bad root (missing, no datasets) or a port that cannot be listened on (`EADDRINUSE`) rejects
 * with `COG_USAGE` and a one-line message.
 *
 * @example
 * ```ts
 * const server = await startServer({ root: "./data", port: 8080 });
 * // curl http://127.0.0.1:8080/tiles/dem/13/4402/2686.png?rescale=0,3000&colormap_name=terrain
 * process.on("SIGTERM", () => server.close());
 * ```
 */
export async function startServer(options: ServeOptions): Promise<TileServer> {
  const warn = (m: string): void => void process.stderr.write(`cogread serve: ${m}\n`);
  const snapshots = options.snapshots !== undefined ? await SnapshotStore.load(options.snapshots) : undefined;
  const entries = await findDatasets(options.root, { exclude: options.snapshots !== undefined ? [options.snapshots] : [], warn });
  const openOptions: OpenOptions = {
    blockCache: new BlockCache({ maxBytes: DEFAULT_BLOCK_CACHE_BYTES }),
    tileCache: new TileCache({ maxBytes: DEFAULT_TILE_CACHE_BYTES }),
    ...options.openOptions,
  };
  const registry = new DatasetRegistry(entries, { openMosaic: options.openMosaic ?? openMosaicReader, snapshots, openOptions, warn });
  const log = options.log === false ? undefined : (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)));
  const ctx: Context = { registry, cacheControl: options.cacheControl ?? "public, max-age=3600", closing: false };
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const p = handle(ctx, req, res)
      .then((entry) => log?.(formatLogLine(entry), entry))
      .catch((e: unknown) => void warn(`log: ${(e as Error)?.message ?? e}`));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8080;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      const why = e.code === "EADDRINUSE" ? "is in use" : e.code === "EACCES" ? "needs privileges" : `cannot be used (${e.code ?? e.message})`;
      reject(new CogError("COG_USAGE", `port ${port} on ${host} ${why}: choose another with --port`, {}, { cause: e }));
    });
    server.listen(port, host, () => resolve());
  }).catch(async (e) => {
    await registry.close();
    throw e;
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shown}:${bound}`,
    port: bound,
    datasets: entries,
    close: () =>
      (closed ??= (async () => {
        ctx.closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), options.closeTimeoutMs ?? 10_000);
        await Promise.allSettled([...inFlight]);
        server.closeIdleConnections();
        await stopped;
        clearTimeout(timer);
        await registry.close();
      })()),
  };
}

interface Context {
  registry: DatasetRegistry;
  cacheControl: string;
  /** Set by close(): answers say `Connection: close`, so keep-alive connections end. */
  closing: boolean;
}

/** Answers one request; resolves to its log entry (never rejects). */
async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<LogEntry> {
  const started = performance.now();
  const entry: LogEntry = { method: req.method ?? "GET", path: req.url ?? "/", status: 500, requests: 0, bytes: 0, size: 0, ms: 0 };
  const abort = new AbortController();
  // One tile reads many blocks, each listening to this signal.
  setMaxListeners(1000, abort.signal);
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const send = (status: number, body: string | Uint8Array, headers: Record<string, string> = {}) => {
    entry.status = status;
    entry.size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    if (ctx.closing) headers.connection = "close";
    // 204 and 304 have no body and, for 204, no Content-Length (RFC 9110 §8.6).
    const length = status === 204 || status === 304 ? {} : { "content-length": String(entry.size) };
    res.writeHead(status, { "access-control-allow-origin": "*", ...length, ...headers });
    res.end(body);
  };
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) => send(status, JSON.stringify(value), { "content-type": "application/json", ...headers });
  try {
    if (req.method !== "GET" && req.method !== "HEAD") {
      json(405, { error: `${req.method} is not allowed: the server answers GET and HEAD`, code: "METHOD_NOT_ALLOWED" }, { allow: "GET, HEAD" });
    } else {
      const url = new URL(req.url ?? "/", "http://localhost");
      await route(ctx, { req, url, route: parseRoute(url.pathname), entry, signal: abort.signal, send, json });
    }
  } catch (e) {
    const code = isCogError(e) ? e.code : "INTERNAL";
    entry.code = code;
    if (!res.headersSent && !(code === "COG_ABORT" && abort.signal.aborted)) {
      json(code === "COG_USAGE" ? 400 : 500, { error: isCogError(e) ? e.message : `internal error: ${(e as Error)?.message ?? e}`, code });
    } else if (!res.writableEnded) res.destroy();
    if (code === "COG_ABORT") entry.status = 499;
  }
  entry.ms = performance.now() - started;
  return entry;
}

interface Exchange {
  req: IncomingMessage;
  url: URL;
  route: Route;
  entry: LogEntry;
  signal: AbortSignal;
  send(status: number, body: string | Uint8Array, headers?: Record<string, string>): void;
  json(status: number, value: unknown, headers?: Record<string, string>): void;
}

async function route(ctx: Context, x: Exchange): Promise<void> {
  const { registry } = ctx;
  const { route: r, url, json } = x;
  const notFound = (what: string) => json(404, { error: what, code: "NOT_FOUND" });
  if (r.kind === "notFound") return notFound(`no route ${url.pathname}: try /, /datasets, /info/{name}, /tilejson/{name}.json or /tiles/{name}/{z}/{x}/{y}.png`);
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
  const query = r.kind === "tile" ? parseTileQuery(url.searchParams) : undefined;
  const ds = await opening;
  const cost = () => {
    const after = registry.requestsSoFar(r.name);
    x.entry.requests = after.count - before.count;
    x.entry.bytes = after.bytes - before.bytes;
  };
  if (r.kind === "info") {
    cost();
    return json(200, datasetInfo(ds));
  }
  if (r.kind === "tilejson") {
    const format = ({ png: "png", webp: "webp", jpg: "jpeg", jpeg: "jpeg" } as const)[url.searchParams.get("tile_format") ?? "png"];
    const scale = ({ "1": 1, "2": 2 } as const)[url.searchParams.get("tile_scale") ?? "1"];
    if (format === undefined || scale === undefined) throw new CogError("COG_USAGE", "tile_format is png, webp or jpg, and tile_scale 1 or 2");
    parseTileQuery(url.searchParams);
    cost();
    return json(200, tileJson(summary(ds), { base, format, scale, query: passThrough(url.searchParams) }));
  }
  const etag = tileEtag(ds.identity, url.pathname, passThrough(url.searchParams, []));
  const cacheHeaders = { etag, "cache-control": ctx.cacheControl };
  if (matches(x.req.headers["if-none-match"], etag)) {
    cost();
    return x.send(304, "", cacheHeaders);
  }
  try {
    const body = await drawTile(ds, { x: r.x, y: r.y, z: r.z, tileSize: 256 * r.scale, format: r.format, query: query!, signal: x.signal });
    cost();
    if (body === undefined) return x.send(204, "", cacheHeaders);
    return x.send(200, body, { "content-type": CONTENT_TYPES[r.format], ...cacheHeaders });
  } catch (e) {
    cost();
    // The file changed under a kept header (or snapshot): open it again on the next request.
    if (isCogError(e, "COG_SOURCE_CHANGED")) await registry.reopen(r.name);
    throw e;
  }
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

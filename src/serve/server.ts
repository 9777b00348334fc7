import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BlockCache, CogError, DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_TILE_CACHE_BYTES, isCogError, TileCache } from "../index.js";
import type { OpenOptions } from "../options.js";
import { answer, type Context } from "./handlers.js";
import { formatLogLine, type LogEntry } from "./log.js";
import { openMosaicReader, type OpenMosaic } from "./mosaic-adapter.js";
import { DatasetRegistry, findDatasets, type DatasetEntry } from "./registry.js";
import { parseRoute } from "./routes.js";
import { SnapshotStore } from "./snapshots.js";

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
      await answer(ctx, { req, url, route: parseRoute(url.pathname), entry, signal: abort.signal, send, json });
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

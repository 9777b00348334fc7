import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RangeServer {
  url: string;
  requests: Array<{ method: string; path: string; range?: string }>;
  /** ETag sent for each path (change it to simulate a rewritten file). */
  etags: Record<string, string>;
  close(): Promise<void>;
}

/** How a multi-range request is answered (see {@link RangeServerOptions.multiRange}). */
export type MultiRangeAnswer = "whole" | "multipart" | "first" | number;

export interface RangeServerOptions {
  /**
   * How a multi-range `Range` header is answered: "whole" (200 with the whole file, the default,
   * like a server without multi-range support), "multipart" (206 multipart/byteranges), "first"
   * (206 with the first range only), or a status to refuse it with (e.g. 501); or a function
   * of the request path giving one of those.
   */
  multiRange?: MultiRangeAnswer | ((path: string) => MultiRangeAnswer);
  /** Status to answer request `n` (1-based, every request counted) with instead of serving it. */
  fail?: (n: number, req: IncomingMessage) => number | undefined;
  /** Delay before each answer, in ms. */
  latencyMs?: number;
}

const BOUNDARY = "range-server-boundary";

/** Content types by extension, so a browser runs the pages, scripts and WASM served here. */
const TYPES: Record<string, string> = { html: "text/html", js: "text/javascript", wasm: "application/wasm", json: "application/json", tif: "image/tiff", css: "text/css" };

/** A 206 multipart/byteranges answer for `ranges` (inclusive ends, already clamped). */
function multipart(body: Uint8Array, ranges: Array<[number, number]>): Buffer {
  const chunks: Uint8Array[] = [];
  for (const [a, b] of ranges) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Range: bytes ${a}-${b}/${body.byteLength}\r\n\r\n`), body.subarray(a, b + 1), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/**
 * Serves files from a map on 127.0.0.1 with single-range support, recording every request.
 * `options` add multi-range answers, injected failures and latency.
 */
export async function startRangeServer(files: Record<string, Uint8Array>, options: RangeServerOptions = {}): Promise<RangeServer> {
  const requests: RangeServer["requests"] = [];
  const etags: Record<string, string> = {};
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", range: req.headers.range });
    const failure = options.fail?.(requests.length, req);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (failure !== undefined) {
      res.writeHead(failure).end("injected failure");
      return;
    }
    const body = files[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    if (etags[req.url ?? ""] !== undefined) res.setHeader("etag", etags[req.url ?? ""]);
    const type = TYPES[/\.(\w+)$/.exec(req.url ?? "")?.[1] ?? ""];
    if (type !== undefined) res.setHeader("content-type", type);
    const answer = typeof options.multiRange === "function" ? options.multiRange(req.url ?? "") : options.multiRange;
    const multi = /^bytes=\d+-\d+(,\d+-\d+)+$/.test(req.headers.range ?? "") ? (answer ?? "whole") : undefined;
    if (typeof multi === "number") {
      res.writeHead(multi).end();
      return;
    }
    if (multi === "multipart") {
      const ranges = req.headers.range!.slice(6).split(",").map((r): [number, number] => {
        const [a, b] = r.split("-").map(Number) as [number, number];
        return [a, Math.min(b, body.byteLength - 1)];
      });
      res.writeHead(206, { "content-type": `multipart/byteranges; boundary=${BOUNDARY}` }).end(multipart(body, ranges));
      return;
    }
    const range = multi === "first" ? req.headers.range!.split(",")[0] : req.headers.range;
    const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? "");
    if (m === null) {
      res.writeHead(200, { "content-length": body.byteLength }).end(body);
      return;
    }
    const start = Number(m[1]);
    if (start >= body.byteLength) {
      res.writeHead(416, { "content-range": `bytes */${body.byteLength}` }).end();
      return;
    }
    const end = Math.min(Number(m[2]), body.byteLength - 1);
    res.writeHead(206, { "content-range": `bytes ${start}-${end}/${body.byteLength}`, "content-length": end - start + 1 });
    res.end(body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    etags,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RangeServer {
  url: string;
  requests: Array<{ method: string; path: string; range?: string }>;
  /** ETag sent for each path (change it to simulate a rewritten file). */
  etags: Record<string, string>;
  close(): Promise<void>;
}

/** Serves files from a map on 127.0.0.1 with single-range support, recording every request. */
export async function startRangeServer(files: Record<string, Uint8Array>): Promise<RangeServer> {
  const requests: RangeServer["requests"] = [];
  const etags: Record<string, string> = {};
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", range: req.headers.range });
    const body = files[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    if (etags[req.url ?? ""] !== undefined) res.setHeader("etag", etags[req.url ?? ""]);
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
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

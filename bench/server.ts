// A local HTTP range server for bench/peers-http.ts: node:http on 127.0.0.1 only (port 0 by
// default), files held in memory, `Range: bytes=` with one range (206) or several
// (206 multipart/byteranges), an injected latency before every answer, and a count of requests and
// body bytes that the bench resets between scenarios.
//
// Standalone: npx tsx bench/server.ts --root /tmp/cogread-bench-cogs [--latency 20] [--port 0]
// In a child process of the benchmark: startServerProcess (below).
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { AddressInfo } from "node:net";

/** Most ranges one request may ask for; more get 416 (keeps every loop over ranges bounded). */
export const MAX_RANGES = 256;
/** Largest file served (held in memory). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface ServerStats {
  /** Requests answered (any method, any status). */
  requests: number;
  /** Body bytes sent (multipart framing included). */
  bytes: number;
  /** Requests that asked for more than one range. */
  multiRange: number;
}

export interface BenchServer {
  /** `http://127.0.0.1:<port>/` */
  readonly base: string;
  url(file: string): string;
  /** Requests and bytes since the last reset. */
  counts(): Promise<ServerStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

type Range = [start: number, end: number]; // inclusive

/** Parses `bytes=a-b,c-,-n` against a size; undefined when unsatisfiable or malformed. */
export function parseRange(header: string, size: number): Range[] | undefined {
  const m = /^bytes=(.+)$/.exec(header.trim());
  if (!m) return undefined;
  const specs = m[1]!.split(",");
  if (specs.length > MAX_RANGES) return undefined;
  const out: Range[] = [];
  for (const raw of specs) {
    const spec = raw.trim();
    const p = /^(\d*)-(\d*)$/.exec(spec);
    if (!p || (p[1] === "" && p[2] === "")) return undefined;
    let start: number;
    let end: number;
    if (p[1] === "") {
      const n = Number(p[2]);
      if (n === 0) continue;
      start = Math.max(0, size - n);
      end = size - 1;
    } else {
      start = Number(p[1]);
      end = p[2] === "" ? size - 1 : Math.min(Number(p[2]), size - 1);
      if (end < start) return undefined;
    }
    if (start >= size) continue;
    out.push([start, end]);
  }
  return out.length > 0 ? out : undefined;
}

/** Starts the server. Files are every regular file directly in `root` (not recursive). */
export async function startServer(opts: { root: string; latencyMs?: number; port?: number }): Promise<BenchServer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(opts.root)) {
    const path = join(opts.root, name);
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
    files.set(name, readFileSync(path));
  }
  const stats: ServerStats = { requests: 0, bytes: 0, multiRange: 0 };
  const state = { latencyMs: opts.latencyMs ?? 20 };

  const send = (res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer | Buffer[]): void => {
    const parts = body === undefined ? [] : Array.isArray(body) ? body : [body];
    let len = 0;
    for (const p of parts) len += p.length;
    res.writeHead(status, { ...headers, "content-length": len });
    for (const p of parts) res.write(p);
    res.end();
    stats.bytes += len;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests++;
    const name = basename(decodeURIComponent((req.url ?? "/").split("?")[0]!));
    const data = files.get(name);
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { allow: "GET, HEAD" });
    if (!data) return send(res, 404, {});
    const common = { "accept-ranges": "bytes", etag: `"${name}-${data.length}"`, "content-type": "image/tiff" };
    const head = req.method === "HEAD";
    const rangeHeader = req.headers.range;
    if (!rangeHeader) return send(res, 200, common, head ? undefined : data);
    const ranges = parseRange(rangeHeader, data.length);
    if (!ranges) return send(res, 416, { ...common, "content-range": `bytes */${data.length}` });
    if (ranges.length === 1) {
      const [s, e] = ranges[0]!;
      return send(res, 206, { ...common, "content-range": `bytes ${s}-${e}/${data.length}` }, head ? undefined : data.subarray(s, e + 1));
    }
    stats.multiRange++;
    const boundary = "cogreadbench" + stats.requests.toString(16).padStart(8, "0");
    const body: Buffer[] = [];
    for (const [s, e] of ranges) {
      body.push(Buffer.from(`\r\n--${boundary}\r\ncontent-type: image/tiff\r\ncontent-range: bytes ${s}-${e}/${data.length}\r\n\r\n`));
      body.push(data.subarray(s, e + 1));
    }
    body.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    return send(res, 206, { ...common, "content-type": `multipart/byteranges; boundary=${boundary}` }, head ? undefined : body);
  };

  const server: Server = createServer((req, res) => {
    // Drain any request body, then answer after the injected latency.
    req.resume();
    const delay = state.latencyMs;
    if (delay > 0) setTimeout(() => handle(req, res), delay);
    else handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}/`;
  return {
    base,
    url: (file) => base + encodeURIComponent(file),
    counts: async () => ({ ...stats }),
    async reset() {
      stats.requests = 0;
      stats.bytes = 0;
      stats.multiRange = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

type Message = { id: number; op: "counts" | "reset" | "close" };

/**
 * The same server in a child process (this module run with `--ipc`), so that a benchmark charges
 * the client being measured, not the server, with the CPU of answering: a reader's real server
 * (S3, a CDN) is elsewhere. `script` is this module, compiled (`.mjs`) or run through tsx.
 */
export async function startServerProcess(opts: { root: string; latencyMs?: number; script: string; execArgv?: string[] }): Promise<BenchServer> {
  const child = spawn(process.execPath, [...(opts.execArgv ?? []), opts.script, "--root", opts.root, "--latency", String(opts.latencyMs ?? 20), "--ipc"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (value: unknown) => void>();
  let next = 0;
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bench server process did not start within 30 s")), 30_000);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server process exited with ${code}`)));
    child.on("message", (m: { ready?: string; id?: number; value?: unknown }) => {
      if (m.ready !== undefined) {
        clearTimeout(timer);
        resolve(m.ready);
      } else if (m.id !== undefined) pending.get(m.id)?.(m.value);
    });
  });
  const ask = <T>(op: Message["op"]): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = next++;
      pending.set(id, (v) => {
        pending.delete(id);
        resolve(v as T);
      });
      child.send({ id, op } satisfies Message);
    });
  return {
    base,
    url: (file) => base + encodeURIComponent(file),
    counts: () => ask<ServerStats>("counts"),
    reset: () => ask<void>("reset"),
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      await ask<void>("close").catch(() => undefined);
      child.disconnect();
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(() => { child.kill(); resolve(); }, 5_000))]);
    },
  };
}

// Run as a script (not imported): by name, since npm run bench:warp bundles this module's code into
// a chunk shared with warp.ts, where import.meta.url is the chunk's.
if (/[\\/]server\.(?:ts|mjs)$/.test(process.argv[1] ?? "")) {
  const argv = process.argv.slice(2);
  const root = argValue(argv, "--root") ?? "/tmp/cogread-bench-cogs";
  const latencyMs = Number(argValue(argv, "--latency") ?? 20);
  const srv = await startServer({ root, latencyMs, port: Number(argValue(argv, "--port") ?? 0) });
  if (argv.includes("--ipc") && process.send) {
    // Driven by startServerProcess: answers counts/reset/close by message.
    process.on("message", (m: Message) => {
      const reply = (value?: unknown) => process.send!({ id: m.id, value });
      if (m.op === "counts") void srv.counts().then(reply);
      else if (m.op === "reset") void srv.reset().then(() => reply());
      else void srv.close().then(() => { reply(); process.exit(0); });
    });
    process.on("disconnect", () => void srv.close().then(() => process.exit(0)));
    process.send({ ready: srv.base });
  } else {
    console.log(`serving ${root} at ${srv.base} (latency ${latencyMs} ms); Ctrl-C to stop`);
    process.on("SIGINT", () => {
      void srv.counts().then((c) => console.log(JSON.stringify(c)));
      void srv.close().then(() => process.exit(0));
    });
  }
}

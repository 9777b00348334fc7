// The Node.js side of the platform seam. Everything here may load Node built-ins or undici.
// Builds for other runtimes replace this module with ./web.ts (build/portable.ts):
// the two export the same names, so the rest of the library imports only this path.
import type { Source } from "../source/types.js";
import type { HttpTransportOptions } from "../source/http-retry.js";
import { FetchSource } from "../source/fetch.js";
import { FileSource } from "../source/file.js";
import { HttpSource } from "../source/http.js";

export { FileSource } from "../source/file.js";
export { HttpSource } from "../source/http.js";
export { createDecodePool } from "../decode/worker-pool.js";

/** An http(s) source: undici in Node, `fetch` where this build runs outside Node (Deno, Bun…). */
export function httpSource(url: string, options: HttpTransportOptions): Source {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === "string" ? new HttpSource(url, options) : new FetchSource(url, options);
}

/** A local file by path; `url` is what errors and caches call it. */
export function fileSource(path: string, url?: string): Source {
  return new FileSource(path, url);
}

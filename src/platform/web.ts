// The portable side of the platform seam (browsers, workerd, Deno, Bun): no Node built-ins, no
// undici. It exports the names of ./node.ts with the same types: FileSource throws
// `COG_UNSUPPORTED` saying what to use instead, createDecodePool runs Web Workers.
import { CogError, loadPart } from "../errors.js";
import type { DecodePool } from "../decode/worker-pool.js";
import type * as NodePlatform from "./node.js";
import { FetchSource } from "../source/fetch.js";
import type { HttpSourceOptions } from "../source/http.js";
import type { Source } from "../source/types.js";
import type { HttpTransportOptions } from "../source/http-retry.js";

function nodeOnly(what: string, instead: string): CogError {
  return new CogError("COG_UNSUPPORTED", `${what} needs Node.js; this is the portable build of cogread (${instead})`);
}

class WebFileSource {
  constructor(path: string, url?: string) {
    throw nodeOnly("FileSource", `cannot read ${JSON.stringify(url ?? path)}: pass an http(s) URL, bytes or a Source object`);
  }
}

/** In the portable build `HttpSource` is a {@link FetchSource}: same options, `dispatcher` ignored. */
class WebHttpSource extends FetchSource {
  constructor(url: string, options: HttpSourceOptions = {}) {
    const { dispatcher: _ignored, ...rest } = options;
    super(url, rest);
  }
}

export const FileSource = WebFileSource as unknown as typeof NodePlatform.FileSource;
export const HttpSource = WebHttpSource as unknown as typeof NodePlatform.HttpSource;

/** Web Workers where there are some (Vite and webpack 5 bundle the worker script), else COG_UNSUPPORTED. */
export async function createDecodePool(opts: { size?: number } = {}): Promise<DecodePool> {
  const { createWebDecodePool } = await loadPart(import("../decode/web-pool.js"));
  return createWebDecodePool(opts, () => new Worker(new URL("../decode/web-worker.js", import.meta.url), { type: "module" }));
}

export function httpSource(url: string, options: HttpTransportOptions): Source {
  return new FetchSource(url, options);
}

export function fileSource(path: string, url?: string): Source {
  return new FileSource(path, url);
}

// Compile-time check that this module can stand in for ./node.ts: same names, same types.
const sameShape: typeof NodePlatform = { FileSource, HttpSource, createDecodePool, httpSource, fileSource };
void sameShape;

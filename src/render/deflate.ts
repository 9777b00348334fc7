import { CogError } from "../errors.js";
import { nativeDeflater } from "../platform/deflate.js";

/**
 * Where PNG's DEFLATE runs: node:zlib (off the event loop), pako (pure JS, the same bytes as
 * node:zlib), or the web `CompressionStream` (zlib's default strategy only; its bytes depend on
 * the runtime's zlib).
 *
 * @example
 * ```ts
 * const backend: DeflateBackend = "pako";
 * ```
 */
export type DeflateBackend = "node" | "pako" | "stream";

/** zlib's default level (what `CompressionStream` uses). */
const LEVEL = 6;

/**
 * A zlib stream (RFC 1950) of `bytes`; `rle` uses zlib's Z_RLE strategy (matches of distance 1
 * only), which on filtered image rows is ~10x faster than the default and about as small
 * (bench/render.ts). The default backend is node:zlib in the Node build, else pako (loaded on
 * first use), so that every runtime writes the same bytes.
 *
 * @example
 * ```ts
 * const idat = await deflate(filterRows(rgba, 256, 256, 4), { rle: true });
 * ```
 */
export async function deflate(bytes: Uint8Array, options: { rle: boolean; backend?: DeflateBackend }): Promise<Uint8Array> {
  const pick = options.backend ?? (nativeDeflater !== undefined ? "node" : "pako");
  if (pick === "node") {
    if (nativeDeflater === undefined) throw new CogError("COG_UNSUPPORTED", "the node:zlib DEFLATE backend exists only in the Node build of cogread");
    const out = await nativeDeflater(bytes, LEVEL, options.rle);
    if (out !== undefined) return out;
  }
  return pick === "stream" ? deflateStream(bytes) : deflatePako(bytes, options.rle);
}

async function deflateStream(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

let pakoModule: Promise<typeof import("pako")> | undefined;

async function deflatePako(bytes: Uint8Array, rle: boolean): Promise<Uint8Array> {
  pakoModule ??= import("pako");
  const pako = await pakoModule.catch((e: unknown) => {
    pakoModule = undefined;
    throw new CogError("COG_UNSUPPORTED", `cannot load pako for PNG's DEFLATE: ${(e as Error)?.message}`, {}, { cause: e });
  });
  return pako.deflate(bytes, { level: LEVEL, strategy: rle ? pako.Z_RLE : pako.Z_DEFAULT_STRATEGY });
}

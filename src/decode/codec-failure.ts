import { CogError, isCogError, type CogErrorContext } from "../errors.js";
import { compressionName } from "../tiff/names.js";

/**
 * Whether an error thrown by WASM glue means the module could not be compiled or fetched in
 * this runtime (workerd forbids compiling from bytes; a bundle may lack the `.wasm` file), as
 * opposed to the module rejecting the data it was given.
 */
function isWasmLoadFailure(error: unknown): boolean {
  if (typeof WebAssembly !== "undefined" && (error instanceof WebAssembly.CompileError || error instanceof WebAssembly.LinkError)) return true;
  const text = String((error as Error)?.message ?? error);
  return /fetching of the wasm failed|failed to asynchronously prepare wasm|Wasm code generation disallowed|XMLHttpRequest is not defined|WebAssembly\.(instantiate|compile)/i.test(text);
}

/**
 * The `CogError` a codec's failure becomes, so nothing a codec (or its WASM) throws reaches the
 * caller untyped: a `CogError` as it is; a WASM module that cannot load here `COG_UNSUPPORTED`
 * naming the codec; anything else (a decoder's own exception, a WASM trap such as
 * `RuntimeError: Aborted()` on a corrupt stream) `COG_FORMAT`. The original error is the `cause`.
 *
 * @example
 * ```ts
 * try { return await codec(bytes, block); } catch (e) { throw codecFailure(e, block.compression, block.context); }
 * ```
 */
export function codecFailure(error: unknown, compression: number, context: CogErrorContext): CogError {
  if (isCogError(error)) return error;
  const name = compressionName(compression);
  const message = String((error as Error)?.message ?? error).slice(0, 200);
  if (isWasmLoadFailure(error)) {
    return new CogError("COG_UNSUPPORTED", `the ${name} codec cannot load in this runtime: ${message}`, context, { cause: error });
  }
  return new CogError("COG_FORMAT", `corrupt ${name} block: ${message}`, context, { cause: error });
}

/**
 * Emscripten's `Module.instantiateWasm` hook: instantiate with the glue's imports, then hand the
 * instance back; returning `{}` tells the glue the exports will come through the callback.
 *
 * @example
 * ```ts
 * const hook: InstantiateWasm = instantiateWith(await codecWasm("jpeg"));
 * ```
 */
export type InstantiateWasm = (
  imports: WebAssembly.Imports,
  done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
) => object;

/**
 * An `instantiateWasm` hook for an already compiled module, so an emscripten glue neither fetches
 * nor reads its `.wasm` (workerd only allows instantiating a precompiled `WebAssembly.Module`).
 * The glue would wait forever on a failed instantiation: `failed` rejects with it instead, for the
 * caller to race against the glue's own promise.
 *
 * @example
 * ```ts
 * const { hook, failed } = instantiateWith(await codecWasm("jpeg"));
 * const turbo = await Promise.race([factory({ instantiateWasm: hook }), failed]);
 * ```
 */
export function instantiateWith(module: WebAssembly.Module): { hook: InstantiateWasm; failed: Promise<never> } {
  let fail: (e: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // nobody may be racing it once the glue has resolved
  const hook: InstantiateWasm = (imports, done) => {
    WebAssembly.instantiate(module, imports).then((instance) => done(instance, module), fail);
    return {};
  };
  return { hook, failed };
}

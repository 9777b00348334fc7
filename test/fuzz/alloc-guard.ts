/**
 * Installs, in a fuzz child, a guard on every buffer constructor: an allocation over the limit
 * throws {@link FuzzAllocationError} instead of happening, so a case that would allocate 3 GiB
 * is caught (and named) without taking the machine down. Installed before cogread loads, so
 * every `new Uint8Array(n)` in src/ goes through it. WASM heaps and zlib's own buffers are not
 * seen here; the per-case peak RSS (see worker.ts) covers those.
 */

/** Thrown by the guard; the fuzzer classifies it as an allocation over the limit. */
export class FuzzAllocationError extends Error {
  constructor(what: string, bytes: number) {
    super(`${what} of ${bytes} bytes is over the fuzz allocation limit`);
    this.name = "FuzzAllocationError";
  }
}

const TYPED = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Float16Array",
] as const;

/** Bytes a constructor call would allocate, when its first argument is a length. */
function requested(args: unknown[], bytesPer: number): number {
  const n = args[0];
  if (typeof n === "number") return n * bytesPer;
  if (n !== null && typeof n === "object" && !ArrayBuffer.isView(n) && !(n instanceof ArrayBuffer) && "length" in n) {
    const len = (n as { length: unknown }).length;
    return typeof len === "number" ? len * bytesPer : 0;
  }
  return 0;
}

/** Replaces the global buffer constructors with guarded ones. Call once, before importing src/. */
export function installAllocationGuard(maxBytes: number): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of TYPED) {
    const Ctor = g[name] as (new (...a: unknown[]) => unknown) & { BYTES_PER_ELEMENT: number } | undefined;
    if (Ctor === undefined) continue;
    g[name] = new Proxy(Ctor, {
      construct(target, args, newTarget) {
        const bytes = requested(args, target.BYTES_PER_ELEMENT);
        if (bytes > maxBytes) throw new FuzzAllocationError(`new ${name}`, bytes);
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  const AB = ArrayBuffer;
  g.ArrayBuffer = new Proxy(AB, {
    construct(target, args, newTarget) {
      const bytes = typeof args[0] === "number" ? args[0] : 0;
      if (bytes > maxBytes) throw new FuzzAllocationError("new ArrayBuffer", bytes);
      return Reflect.construct(target, args, newTarget);
    },
  });
  for (const method of ["alloc", "allocUnsafe", "allocUnsafeSlow"] as const) {
    const original = Buffer[method].bind(Buffer) as (size: number, ...rest: unknown[]) => Buffer;
    (Buffer as unknown as Record<string, unknown>)[method] = (size: number, ...rest: unknown[]) => {
      if (size > maxBytes) throw new FuzzAllocationError(`Buffer.${method}`, size);
      return original(size, ...rest);
    };
  }
}

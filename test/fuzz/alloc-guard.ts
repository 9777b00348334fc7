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

/**
 * A constructor that checks the size asked for, then builds a plain `Ctor` instance. A function
 * whose `prototype` is `Ctor.prototype` (so `instanceof` and `.constructor` hold), not a Proxy:
 * V8 keeps optimising code that calls it, where a Proxy made decoding several times slower.
 */
function guarded<T extends abstract new (...a: never[]) => unknown>(name: string, Ctor: T, bytesPer: number, maxBytes: number): T {
  const Real = Ctor as unknown as new (...a: unknown[]) => unknown;
  const G: unknown = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) throw new TypeError(`Constructor ${name} requires 'new'`);
    const bytes = requested(args, bytesPer);
    if (bytes > maxBytes) throw new FuzzAllocationError(`new ${name}`, bytes);
    return Reflect.construct(Real, args, new.target === G ? Real : (new.target as unknown as new (...a: unknown[]) => unknown));
  };
  Object.setPrototypeOf(G, Ctor); // statics: from, of, BYTES_PER_ELEMENT, isView, Symbol.species
  Object.defineProperty(G, "prototype", { value: Ctor.prototype });
  Object.defineProperty(G, "name", { value: name });
  return G as T;
}

/** Replaces the global buffer constructors with guarded ones. Call once, before importing src/. */
export function installAllocationGuard(maxBytes: number): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of TYPED) {
    const Ctor = g[name] as (abstract new (...a: never[]) => unknown) & { BYTES_PER_ELEMENT: number } | undefined;
    if (Ctor === undefined) continue;
    g[name] = guarded(name, Ctor, Ctor.BYTES_PER_ELEMENT, maxBytes);
  }
  g.ArrayBuffer = guarded("ArrayBuffer", ArrayBuffer, 1, maxBytes);
  for (const method of ["alloc", "allocUnsafe", "allocUnsafeSlow"] as const) {
    const original = Buffer[method].bind(Buffer) as (size: number, ...rest: unknown[]) => Buffer;
    (Buffer as unknown as Record<string, unknown>)[method] = (size: number, ...rest: unknown[]) => {
      if (size > maxBytes) throw new FuzzAllocationError(`Buffer.${method}`, size);
      return original(size, ...rest);
    };
  }
}

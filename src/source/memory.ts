import { CogError, throwIfAborted } from "../errors.js";
import type { ReadOptions, Source } from "./types.js";

/**
 * A source over bytes already in memory.
 *
 * @example
 * ```ts
 * const cog = await COGReader.open(new MemorySource(bytes));
 * ```
 */
export class MemorySource implements Source {
  readonly size: number;
  private readonly bytes: Uint8Array;

  constructor(
    data: Uint8Array | ArrayBuffer,
    readonly url: string = "memory://",
  ) {
    this.bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    this.size = this.bytes.byteLength;
  }

  async read(offset: number, length: number, options: ReadOptions = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal, { url: this.url, offset, length });
    checkRange(offset, length, this.url);
    if (offset >= this.size) {
      throw new CogError("COG_SOURCE", `read at ${offset} starts past the end of the ${this.size}-byte source`, {
        url: this.url,
        offset,
        length,
      });
    }
    return this.bytes.subarray(offset, Math.min(offset + length, this.size));
  }
}

/**
 * Throws `COG_USAGE` for a negative, fractional or unsafe range.
 *
 * @internal
 */
export function checkRange(offset: number, length: number, url: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new CogError("COG_USAGE", `invalid byte range ${offset}+${length}`, { url, offset, length });
  }
}

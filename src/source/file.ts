import type { FileHandle } from "node:fs/promises";
import { CogError, throwIfAborted } from "../errors.js";
import { checkRange } from "./memory.js";
import type { ReadOptions, Source } from "./types.js";

/**
 * A local file, read through one open `FileHandle` (Node only; `node:fs` loads on first use).
 *
 * @example
 * ```ts
 * const source = new FileSource("/data/a.tif");
 * const bytes = await source.read(0, 16384);
 * await source.close();
 * ```
 */
export class FileSource implements Source {
  private handle: Promise<FileHandle> | undefined;
  private fileSize: number | undefined;

  constructor(
    /** The file path. */
    readonly path: string,
    readonly url: string = path,
  ) {}

  get size(): number | undefined {
    return this.fileSize;
  }

  async read(offset: number, length: number, options: ReadOptions = {}): Promise<Uint8Array> {
    const ctx = { url: this.url, offset, length };
    throwIfAborted(options.signal, ctx);
    checkRange(offset, length, this.url);
    const handle = await this.open();
    const size = this.fileSize ?? 0;
    if (offset >= size && length > 0) {
      throw new CogError("COG_SOURCE", `read at ${offset} starts past the end of the ${size}-byte file`, ctx);
    }
    const want = Math.min(length, size - offset);
    const out = new Uint8Array(want);
    let done = 0;
    try {
      while (done < want) {
        const { bytesRead } = await handle.read(out, done, want - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (e) {
      throw new CogError("COG_SOURCE", `read failed: ${(e as Error).message}`, ctx, { cause: e });
    }
    throwIfAborted(options.signal, ctx);
    return done === want ? out : out.subarray(0, done);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }

  private open(): Promise<FileHandle> {
    this.handle ??= (async () => {
      const fs = await import("node:fs/promises");
      try {
        const handle = await fs.open(this.path, "r");
        this.fileSize = (await handle.stat()).size;
        return handle;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new CogError("COG_SOURCE", `cannot open file: ${code ?? (e as Error).message}`, { url: this.url }, { cause: e });
      }
    })();
    const pending = this.handle;
    // A failed open is not remembered, so a later read can try again.
    pending.catch(() => {
      if (this.handle === pending) this.handle = undefined;
    });
    return pending;
  }
}

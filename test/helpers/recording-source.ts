import { readFileSync } from "node:fs";
import type { ReadOptions, Source } from "../../src/source/types.js";

/** An in-memory source that records every read, independently of the reader's own counters. */
export class RecordingSource implements Source {
  readonly reads: Array<[number, number]> = [];
  readonly size: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly url = "memory://recorded",
  ) {
    this.size = bytes.byteLength;
  }

  static fromFile(path: string): RecordingSource {
    return new RecordingSource(new Uint8Array(readFileSync(path)), path);
  }

  async read(offset: number, length: number, _options?: ReadOptions): Promise<Uint8Array> {
    this.reads.push([offset, length]);
    return this.bytes.slice(offset, Math.min(offset + length, this.bytes.byteLength));
  }

  get bytesRead(): number {
    return this.reads.reduce((sum, [o, l]) => sum + Math.max(0, Math.min(l, this.bytes.byteLength - o)), 0);
  }
}

/**
 * A recording source whose next read fails with "connection reset" after `failNext()`: for
 * checking that a failed read is not remembered by a cache.
 */
export class FlakySource extends RecordingSource {
  private failing = false;

  static override fromFile(path: string): FlakySource {
    return new FlakySource(new Uint8Array(readFileSync(path)), "memory://flaky");
  }

  failNext(): void {
    this.failing = true;
  }

  override async read(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    if (this.failing) {
      this.failing = false;
      throw new Error("connection reset");
    }
    return super.read(offset, length, options);
  }
}

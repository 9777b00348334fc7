import { COGReader, type OpenOptions } from "../../src/index.js";
import { RecordingSource } from "./recording-source.js";

/** Absolute path of a fixture made by test/fixtures/mosaic/make_mosaic.py. */
export const mosaicFixture = (name: string): string => new URL(`../fixtures/mosaic/${name}`, import.meta.url).pathname;

/**
 * An `openAsset` for MosaicReader/createMosaic that reads each asset through its own recording
 * source (no shared caches), and remembers which assets were opened and what each read.
 */
export function recordingOpener(): {
  openAsset: (url: string, options: OpenOptions) => Promise<COGReader>;
  opened: string[];
  reads: (url: string) => Array<[number, number]>;
} {
  const sources = new Map<string, RecordingSource>();
  const opened: string[] = [];
  return {
    opened,
    reads: (url) => sources.get(url)?.reads ?? [],
    openAsset: async (url, options) => {
      opened.push(url);
      const source = RecordingSource.fromFile(url);
      sources.set(url, source);
      return COGReader.open(source, { ...options, blockCache: false, tileCache: false });
    },
  };
}

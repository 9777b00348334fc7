// Loads the compressed level-0 tiles of a file, with cogread's BlockInfo for each, for bench/.
import { readFile } from "node:fs/promises";
import { blockInfo } from "../src/decode/block-info.js";
import type { BlockInfo } from "../src/decode/types.js";
import { COGReader } from "../src/index.js";
import type { ImageInfo } from "../src/tiff/image.js";

/** One compressed tile: its own copy of the bytes (as geotiff.js gets them: a whole ArrayBuffer). */
export interface Tile {
  x: number;
  y: number;
  bytes: Uint8Array<ArrayBuffer>;
  block: BlockInfo;
}

/** Every non-sparse level-0 tile of a file, ready to decode. */
export interface TileSet {
  path: string;
  image: ImageInfo;
  littleEndian: boolean;
  tiles: Tile[];
  /** Compressed bytes of one pass over all tiles. */
  inBytes: number;
  /** Decoded bytes of one pass (sum of `block.expectedBytes`): the MB/s numerator for everyone. */
  outBytes: number;
}

/**
 * Reads the level-0 tiles of `path`: `locateTile` gives each tile's byte range, node:fs reads the
 * bytes, `blockInfo` builds what `decodeBlock` needs. Only pixel-interleaved tiled files.
 */
export async function loadTiles(path: string): Promise<TileSet> {
  const cog = await COGReader.open(path);
  try {
    const image = cog.ifds[0];
    if (!image.tiled || image.planar !== 1) throw new Error(`${path}: the bench wants a tiled, pixel-interleaved file`);
    const ifd = cog.dataset.ifds[image.ifdIndex];
    const file = await readFile(path);
    const tiles: Tile[] = [];
    for (let y = 0; y < image.tilesDown; y++) {
      for (let x = 0; x < image.tilesAcross; x++) {
        const [range] = await cog.locateTile(x, y, 0);
        if (range.offset === 0 || range.length === 0) continue; // sparse: nothing to decode
        const bytes = new Uint8Array(file.subarray(range.offset, range.offset + range.length));
        const validRows = Math.min(image.tileHeight, image.height - y * image.tileHeight);
        const block = blockInfo(image, ifd, cog.littleEndian, {
          samples: image.bands,
          rows: image.tileHeight,
          validRows,
          context: { url: path, ifd: image.ifdIndex, x, y, z: 0, offset: range.offset },
        });
        tiles.push({ x, y, bytes, block });
      }
    }
    const inBytes = tiles.reduce((n, t) => n + t.bytes.length, 0);
    const outBytes = tiles.reduce((n, t) => n + t.block.expectedBytes, 0);
    return { path, image, littleEndian: cog.littleEndian, tiles, inBytes, outBytes };
  } finally {
    await cog.close();
  }
}

/**
 * A complete JPEG stream for a decoder that does not know TIFF (sharp/libvips): the JPEGTables
 * stream (tag 347) without its EOI, then the tile without its SOI (TIFF Technical Note 2).
 */
export function spliceJpegTables(tile: Uint8Array, tables: Uint8Array | undefined): Uint8Array {
  if (tables === undefined || tables.length < 4) return tile;
  const end = tables[tables.length - 2] === 0xff && tables[tables.length - 1] === 0xd9 ? tables.length - 2 : tables.length;
  const out = new Uint8Array(end + tile.length - 2);
  out.set(tables.subarray(0, end));
  out.set(tile.subarray(2), end);
  return out;
}

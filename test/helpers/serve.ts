// Helpers of the tile server tests: a folder of fixture links, tile indices, PNG decoding.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { Raster } from "../../src/index.js";

export const FIXTURES = path.join(import.meta.dirname, "..", "fixtures");
export const SAMPLE = path.join(import.meta.dirname, "..", "..", "examples", "data", "sample_cog.tif");

/** A temporary folder holding links `name → file`; `remove` deletes it. */
export function linkFolder(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "cogread-serve-"));
  for (const [name, file] of Object.entries(files)) symlinkSync(file, path.join(dir, name));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The XYZ tile holding longitude/latitude at zoom z. */
export function tileAt(lon: number, lat: number, z: number): [number, number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n), z];
}

/** An image's pixels as RGBA (sharp expands gray, palettes and RGB). */
export async function rgbaOf(image: Uint8Array): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * What a uint8 raster of 1 or 3+ bands looks like drawn without options: gray or RGB (bands 1–3),
 * alpha from the mask, fully transparent pixels 0, 0, 0, 0.
 */
export function expectedRgba(r: Raster): Uint8Array {
  const n = r.width * r.height;
  const out = new Uint8Array(n * 4);
  const band = (b: number, i: number) => r.data[(r.bands >= 3 ? b : 0) * n + i] as number;
  for (let i = 0; i < n; i++) {
    const a = r.mask ? r.mask[i] : 255;
    if (a === 0) continue;
    out.set([band(0, i), band(1, i), band(2, i), a], i * 4);
  }
  return out;
}

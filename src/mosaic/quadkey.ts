import { CogError } from "../errors.js";

// Quadkeys of the WebMercatorQuad grid (Bing Maps tile system, as mercantile and morecantile
// spell them): one digit per zoom, from zoom 1 down, each `(x bit) + 2 × (y bit)`.

/**
 * The quadkey of tile (x, y, z): `""` for zoom 0.
 *
 * @example
 * ```ts
 * tileToQuadkey(3, 5, 3); // "213"
 * ```
 */
export function tileToQuadkey(x: number, y: number, z: number): string {
  checkTile(x, y, z);
  let key = "";
  for (let i = z; i > 0; i--) {
    const bit = 2 ** (i - 1);
    key += String((Math.floor(x / bit) % 2) + 2 * (Math.floor(y / bit) % 2));
  }
  return key;
}

/**
 * The tile of a quadkey; `COG_FORMAT` for a key with other characters than 0–3.
 *
 * @example
 * ```ts
 * quadkeyToTile("213"); // { x: 3, y: 5, z: 3 }
 * ```
 */
export function quadkeyToTile(key: string): { x: number; y: number; z: number } {
  if (!/^[0-3]*$/.test(key) || key.length > 30) throw new CogError("COG_FORMAT", `bad quadkey ${JSON.stringify(key)}`);
  let x = 0;
  let y = 0;
  for (const c of key) {
    const d = Number(c);
    x = x * 2 + (d & 1);
    y = y * 2 + (d >> 1);
  }
  return { x, y, z: key.length };
}

/**
 * The quadkeys of zoom `quadkeyZoom` that hold tile (x, y, z), as cogeo-mosaic's `find_quadkeys`:
 * the ancestor's key when z ≥ quadkeyZoom; when z < quadkeyZoom, every key of `sortedKeys` (the
 * document's keys, sorted) under the tile, in morecantile's order of children (row by row at each
 * level, which is the keys' string order). Pure; O(log n) plus the keys returned.
 *
 * @example
 * ```ts
 * quadkeysForTile(3, 5, 3, 2, []);                   // ["21"]
 * quadkeysForTile(1, 1, 1, 2, ["30", "31", "12"].sort()); // ["30", "31"]
 * ```
 */
export function quadkeysForTile(x: number, y: number, z: number, quadkeyZoom: number, sortedKeys: readonly string[]): string[] {
  const key = tileToQuadkey(x, y, z);
  if (z >= quadkeyZoom) return [key.slice(0, quadkeyZoom)];
  let lo = 0;
  let hi = sortedKeys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedKeys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sortedKeys.length && sortedKeys[i].startsWith(key); i++) {
    if (sortedKeys[i].length === quadkeyZoom) out.push(sortedKeys[i]);
  }
  return out;
}

/**
 * The tile of zoom z under a longitude/latitude, as mercantile's `tile()` (latitude clamped to
 * the grid).
 *
 * @example
 * ```ts
 * lonLatToTile(0.1, 0.1, 1); // { x: 1, y: 0, z: 1 }
 * ```
 */
export function lonLatToTile(lon: number, lat: number, z: number): { x: number; y: number; z: number } {
  const n = 2 ** z;
  const phi = (Math.max(-85.0511287798066, Math.min(85.0511287798066, lat)) * Math.PI) / 180;
  const fx = (lon + 180) / 360;
  const fy = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2;
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, Math.floor(v * n)));
  return { x: clamp(fx), y: clamp(fy), z };
}

function checkTile(x: number, y: number, z: number): void {
  if (!Number.isInteger(z) || z < 0 || z > 30) throw new CogError("COG_USAGE", `zoom must be an integer 0-30, got ${z}`, { z });
  const n = 2 ** z;
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n) {
    throw new CogError("COG_USAGE", `tile ${x},${y} is outside the ${n}x${n} grid of zoom ${z}`, { x, y, z });
  }
}

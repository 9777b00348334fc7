// Makes a MosaicJSON of four COGs cut from one (test/fixtures/mosaic/) and reads map tiles from it.
// Run: npx tsx examples/mosaic.ts [files…]
import { createMosaic, MosaicReader } from "../src/mosaic.js";

const files = process.argv.slice(2);
if (files.length === 0) for (let i = 0; i < 4; i++) files.push(`test/fixtures/mosaic/cut_${i}.tif`);
const doc = await createMosaic(files, { name: "example", onProgress: (p) => console.log(`header ${p.done}/${p.total}: ${p.url}`) });
console.log(`zooms ${doc.minzoom}-${doc.maxzoom}, ${Object.keys(doc.tiles).length} quadkeys at zoom ${doc.quadkey_zoom}, bounds ${doc.bounds.map((v) => v.toFixed(4)).join(", ")}`);

const mosaic = await MosaicReader.open(doc);
const [lon, lat] = [doc.center![0], doc.center![1]];
const z = doc.maxzoom;
const n = 2 ** z;
const x = Math.floor(((lon + 180) / 360) * n);
const y = Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
console.log(`tile ${z}/${x}/${y}: assets ${mosaic.assets(x, y, z).join(", ")}`);
for (const pixelSelection of ["first", "mean", "count"] as const) {
  const tile = await mosaic.tile(x, y, z, { pixelSelection });
  const valid = tile.mask!.filter((m) => m !== 0).length;
  console.log(`${pixelSelection}: ${tile.width}x${tile.height}x${tile.bands} ${tile.dtype}, ${valid} valid pixels, used ${tile.assets.used.length} assets, failed ${tile.assets.failed.length}`);
}
for (const p of await mosaic.point(lon, lat)) console.log(`point ${lon.toFixed(5)}, ${lat.toFixed(5)} in ${p.url}: ${p.values?.join(", ") ?? p.error?.code}`);
console.log(`requests: ${mosaic.requests.count}, bytes: ${mosaic.requests.bytes}`);
await mosaic.close();

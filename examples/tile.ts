// Reads one internal tile and prints its band means.
// Run: npx tsx examples/tile.ts examples/data/sample_cog.tif 1 1 0
import { COGReader } from "../src/index.js";

const [path = "examples/data/sample_cog.tif", x = "0", y = "0", z = "0"] = process.argv.slice(2);
const cog = await COGReader.open(path);
const tile = await cog.getTile(Number(x), Number(y), Number(z));
const pixels = tile.width * tile.height;
for (let b = 0; b < tile.bands; b++) {
  let sum = 0;
  for (let i = 0; i < pixels; i++) sum += Number(tile.data[b * pixels + i]);
  console.log(`band ${b + 1}: mean ${(sum / pixels).toFixed(2)}`);
}
console.log(`${tile.width}x${tile.height} ${tile.dtype}, mask: ${tile.mask ? "yes" : "no"}; requests so far: ${cog.requests.count}`);
await cog.close();

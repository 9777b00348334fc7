// Prints what opening a COG costs and what it holds.
// Run: npx tsx examples/info.ts examples/data/sample_cog.tif
import { COGReader } from "../src/index.js";

const path = process.argv[2] ?? "examples/data/sample_cog.tif";
const cog = await COGReader.open(path);
console.log(cog.profile);
for (const [z, level] of cog.ifds.entries()) {
  console.log(`level ${z}: ${level.width}x${level.height}, ${level.tilesAcross}x${level.tilesDown} tiles of ${level.tileWidth}x${level.tileHeight}`);
}
console.log(`EPSG:${cog.epsg}`, cog.bounds);
console.log(`opening cost ${cog.requests.count} request(s), ${cog.requests.bytes} bytes`);
await cog.close();

// An OpenLayers map showing a Cloud-Optimized GeoTIFF read straight from a static server: each
// web-map tile is cut from the COG in the browser with cogread (byte ranges only, no tile server).
// Open index.html?url=<COG URL> (or #url=…); 8-bit files (1, 3 or 4 bands).
import Map from "ol/Map.js";
import View from "ol/View.js";
import TileLayer from "ol/layer/Tile.js";
import XYZ from "ol/source/XYZ.js";
import { transformExtent } from "ol/proj.js";
import { COGReader, isCogError } from "cogread";
import "ol/ol.css";
import { toRgba } from "./rgba.js";

const status = { loaded: 0, empty: 0, errors: [] };
globalThis.cogreadExample = status; // read by test/runtimes.test.ts

const here = new URL(location.href);
const url = here.searchParams.get("url") ?? new URLSearchParams(here.hash.slice(1)).get("url") ?? "./sample_cog.tif";
const cog = await COGReader.open(new URL(url, location.href).href);

/** Draws tile (x, y, z) of the COG into the OpenLayers tile image; outside the image stays empty. */
async function loadTile(tile) {
  const [z, x, y] = tile.getTileCoord();
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 256;
  try {
    const raster = await cog.tile(x, y, z);
    canvas.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(toRgba(raster).buffer), raster.width, raster.height), 0, 0);
    status.loaded++;
  } catch (e) {
    if (isCogError(e, "COG_TILE_OUTSIDE")) status.empty++;
    else status.errors.push(String(e?.message ?? e));
  }
  tile.getImage().src = canvas.toDataURL();
}

const extent = transformExtent(cog.geographicBounds, "EPSG:4326", "EPSG:3857");
const map = new Map({
  target: "map",
  layers: [new TileLayer({ source: new XYZ({ tileLoadFunction: loadTile, url: "{z}/{x}/{y}", maxZoom: cog.maxzoom }) })],
  view: new View({ projection: "EPSG:3857" }),
});
map.getView().fit(extent);
map.once("rendercomplete", () => (status.rendered = true));

import type { DatasetEntry } from "./registry.js";

/**
 * MapLibre GL JS on the unpkg CDN, without the `.js`/`.css` ending (the page is for people's
 * browsers; the server ships no JavaScript).
 *
 * @example
 * ```ts
 * const script = `${MAPLIBRE}.js`;
 * ```
 */
export const MAPLIBRE = "https://unpkg.com/maplibre-gl@4.7.1/dist/maplibre-gl";

/**
 * The viewer at `/`: a list of the datasets and a map of the chosen one (`/?dataset=name`, default
 * the first; other query parameters go to its TileJSON and tiles, e.g. `&rescale=0,3000`).
 * The map is MapLibre GL JS loaded from unpkg. When MapLibre cannot load (offline, blocked CDN,
 * no WebGL) the page falls back to laying the dataset's tiles out as images at the zoom that fits
 * its bounds, so it still shows the data. `window.cogreadServe` reports `{ mode, ready, tiles,
 * errors }` (`mode` "maplibre" or "fallback") for scripts and tests.
 *
 * @example
 * ```ts
 * res.end(pageHtml(registry.list(), "dem"));
 * ```
 */
export function pageHtml(datasets: readonly DatasetEntry[], chosen: string | undefined): string {
  const current = datasets.find((d) => d.name === chosen) ?? datasets[0];
  const items = datasets
    .map((d) => `<li${d === current ? ' class="on"' : ""}><a href="/?dataset=${encodeURIComponent(d.name)}">${escapeHtml(d.name)}</a> <small>${d.kind}</small></li>`)
    .join("");
  const data = JSON.stringify({ name: current?.name ?? null, maplibre: MAPLIBRE }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cogread serve${current ? ` · ${escapeHtml(current.name)}` : ""}</title>
<link rel="icon" href="data:,">
<style>
html,body{margin:0;height:100%;font:14px system-ui,sans-serif;background:#f4f4f2;color:#222}
body{display:flex}
nav{width:220px;padding:12px;box-sizing:border-box;overflow:auto;border-right:1px solid #ccc}
nav h1{font-size:16px;margin:0 0 8px}nav ul{list-style:none;padding:0;margin:0}
nav li{padding:3px 0}nav li.on a{font-weight:bold}nav small{color:#777}
#status{margin-top:12px;color:#555;font-size:12px;word-break:break-all}
#map{flex:1;position:relative;overflow:hidden;background:#1e2329}
#map img.tile{position:absolute;width:256px;height:256px}
</style></head>
<body><nav><h1>cogread serve</h1><ul id="datasets">${items}</ul><div id="status"></div></nav><div id="map"></div>
<script>
const PAGE = ${data};
const state = (window.cogreadServe = { mode: null, ready: false, tiles: 0, errors: [] });
const status = (s) => (document.getElementById("status").textContent = s);
const params = new URLSearchParams(location.search);
params.delete("dataset");
const query = params.toString();

function loadMaplibre(timeoutMs) {
  if (window.maplibregl) return Promise.resolve(window.maplibregl);
  return new Promise((resolve, reject) => {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = PAGE.maplibre + ".css";
    document.head.appendChild(css);
    const script = document.createElement("script");
    script.src = PAGE.maplibre + ".js";
    script.onload = () => (window.maplibregl ? resolve(window.maplibregl) : reject(new Error("maplibre-gl did not define maplibregl")));
    script.onerror = () => reject(new Error("cannot load " + script.src));
    setTimeout(() => reject(new Error("maplibre-gl took over " + timeoutMs + " ms")), timeoutMs);
    document.head.appendChild(script);
  });
}

function showMaplibre(maplibregl, tj) {
  const gl = document.createElement("canvas");
  if (!gl.getContext("webgl2") && !gl.getContext("webgl")) throw new Error("no WebGL");
  const map = new maplibregl.Map({
    container: "map",
    style: {
      version: 8,
      sources: { data: { type: "raster", tiles: tj.tiles, tileSize: 256, bounds: tj.bounds, minzoom: tj.minzoom, maxzoom: tj.maxzoom } },
      layers: [{ id: "background", type: "background", paint: { "background-color": "#1e2329" } }, { id: "data", type: "raster", source: "data" }],
    },
    bounds: tj.bounds,
    fitBoundsOptions: { padding: 20 },
  });
  map.addControl(new maplibregl.NavigationControl());
  map.on("error", (e) => state.errors.push(String(e.error?.message ?? e.error)));
  map.once("idle", () => (state.ready = true));
  state.mode = "maplibre";
  window.cogreadMap = map;
}

// Without MapLibre: the tiles covering the bounds at the deepest zoom (minzoom–maxzoom) where they fit.
function showFallback(tj) {
  state.mode = "fallback";
  const el = document.getElementById("map");
  const W = el.clientWidth, H = el.clientHeight;
  const mx = (lon) => (lon + 180) / 360;
  const my = (lat) => { const r = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180; return (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2; };
  const [w, s, e, n] = tj.bounds;
  let z = tj.minzoom;
  for (let k = tj.maxzoom; k >= tj.minzoom; k--) {
    const span = 256 * 2 ** k;
    if ((mx(e) - mx(w)) * span <= W && (my(s) - my(n)) * span <= H) { z = k; break; }
  }
  const span = 256 * 2 ** z, last = 2 ** z - 1;
  const left = ((mx(w) + mx(e)) / 2) * span - W / 2, top = ((my(n) + my(s)) / 2) * span - H / 2;
  // Tiles in view that meet the bounds (the others would be 204s).
  const tile = (v) => Math.min(last, Math.max(0, Math.floor(v / 256)));
  const x0 = Math.max(tile(left), tile(mx(w) * span)), x1 = Math.min(tile(left + W - 1), tile(mx(e) * span));
  const y0 = Math.max(tile(top), tile(my(n) * span)), y1 = Math.min(tile(top + H - 1), tile(my(s) * span));
  let pending = Math.max(0, x1 - x0 + 1) * Math.max(0, y1 - y0 + 1);
  const done = () => { if (--pending === 0) state.ready = true; };
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
    const img = new Image();
    img.className = "tile";
    img.style.left = Math.round(x * 256 - left) + "px";
    img.style.top = Math.round(y * 256 - top) + "px";
    img.onload = () => { state.tiles++; done(); };
    img.onerror = () => { state.errors.push("tile " + z + "/" + x + "/" + y); done(); };
    img.src = tj.tiles[0].replace("{z}", z).replace("{x}", x).replace("{y}", y);
    el.appendChild(img);
  }
  if (pending === 0) state.ready = true;
}

async function main() {
  if (!PAGE.name) return status("no datasets");
  const res = await fetch("/tilejson/" + encodeURIComponent(PAGE.name) + ".json" + (query ? "?" + query : ""));
  const tj = await res.json();
  if (!res.ok) throw new Error(tj.code + ": " + tj.error);
  status(tj.tiles[0]);
  try {
    showMaplibre(await loadMaplibre(10000), tj);
  } catch (e) {
    state.errors.push("maplibre: " + e.message);
    showFallback(tj);
  }
}
main().catch((e) => { state.errors.push(String(e.message ?? e)); status(String(e.message ?? e)); state.ready = true; });
</script></body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

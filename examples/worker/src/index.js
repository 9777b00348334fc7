// A Cloudflare Worker that serves web-map tiles of a COG: GET /tiles/{z}/{x}/{y}.png?url=<COG URL>
// (or the COG_URL variable). cogread reads only the byte ranges the tile needs; headers stay
// cached across requests while the Worker lives. 8-bit files only (1, 3 or 4 bands).
import { COGReader, isCogError } from "cogread";
import { encodePng } from "./png.js";
import { toRgba } from "./rgba.js";

const TILE = /^\/tiles\/(\d+)\/(\d+)\/(\d+)\.png$/;

export default {
  async fetch(request, env = {}) {
    const url = new URL(request.url);
    const match = TILE.exec(url.pathname);
    const cogUrl = url.searchParams.get("url") ?? env.COG_URL;
    if (match === null || !cogUrl) return new Response("GET /tiles/{z}/{x}/{y}.png?url=<COG URL>\n", { status: 404 });
    const [z, x, y] = match.slice(1).map(Number);
    let cog;
    try {
      cog = await COGReader.open(cogUrl, { signal: request.signal });
      if (cog.profile.dtype !== "uint8") return new Response(`this example renders 8-bit files, not ${cog.profile.dtype}\n`, { status: 415 });
      const tile = await cog.tile(x, y, z, { signal: request.signal });
      const png = await encodePng(toRgba(tile), tile.width, tile.height);
      return new Response(png, { headers: { "content-type": "image/png", "cache-control": "public, max-age=3600" } });
    } catch (e) {
      if (isCogError(e, "COG_TILE_OUTSIDE")) return new Response(null, { status: 204 });
      if (isCogError(e)) return new Response(`${e.code}: ${e.message}\n`, { status: e.code === "COG_HTTP" || e.code === "COG_SOURCE" ? 502 : 400 });
      throw e;
    } finally {
      await cog?.close();
    }
  },
};

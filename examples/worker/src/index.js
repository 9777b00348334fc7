// A Cloudflare Worker that serves web-map tiles of a COG:
//   GET /tiles/{z}/{x}/{y}.png|.webp|.jpg?url=<COG URL>[&rescale=min,max][&colormap_name=viridis]
// (or the COG_URL variable). cogread reads only the byte ranges the tile needs; headers stay
// cached across requests while the Worker lives. cogread/render draws the tile as titiler does.
import { COGReader, isCogError } from "cogread";
import { render } from "cogread/render";

const TILE = /^\/tiles\/(\d+)\/(\d+)\/(\d+)\.(png|webp|jpg)$/;
const TYPES = { png: "image/png", webp: "image/webp", jpg: "image/jpeg" };

export default {
  async fetch(request, env = {}) {
    const url = new URL(request.url);
    const match = TILE.exec(url.pathname);
    const cogUrl = url.searchParams.get("url") ?? env.COG_URL;
    if (match === null || !cogUrl) return new Response("GET /tiles/{z}/{x}/{y}.png?url=<COG URL>\n", { status: 404 });
    const [z, x, y] = match.slice(1, 4).map(Number);
    const ext = match[4];
    const rescale = url.searchParams.get("rescale");
    const colormap = url.searchParams.get("colormap_name");
    let cog;
    try {
      cog = await COGReader.open(cogUrl, { signal: request.signal });
      const tile = await cog.tile(x, y, z, { signal: request.signal });
      const image = await render(tile, {
        format: ext === "jpg" ? "jpeg" : ext,
        ...(rescale ? { rescale: [rescale.split(",").map(Number)] } : {}),
        ...(colormap ? { colormap } : {}),
      });
      return new Response(image, { headers: { "content-type": TYPES[ext], "cache-control": "public, max-age=3600" } });
    } catch (e) {
      if (isCogError(e, "COG_TILE_OUTSIDE")) return new Response(null, { status: 204 });
      if (isCogError(e)) return new Response(`${e.code}: ${e.message}\n`, { status: e.code === "COG_HTTP" || e.code === "COG_SOURCE" ? 502 : 400 });
      throw e;
    } finally {
      await cog?.close();
    }
  },
};

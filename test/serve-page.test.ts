// The viewer at `/` of `cogread serve` in headless Chromium (Debian's, through playwright-core).
// Every request that is not to the server is aborted: MapLibre's CDN is unreachable, so the page
// shows the map through its fallback, and the screenshot must show the dataset's pixels.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TileServer } from "../src/serve/server.js";
import { chromiumMissing, launchChromium } from "./runtimes/chromium.js";
import { FIXTURES, linkFolder, rgbaOf, SAMPLE } from "./helpers/serve.js";

const BACKGROUND = [0x1e, 0x23, 0x29];

describe.skipIf(chromiumMissing() !== undefined)("cogread serve: the map page in headless Chromium", () => {
  let folder: ReturnType<typeof linkFolder>;
  let server: TileServer;
  beforeAll(async () => {
    folder = linkFolder({ "sample.tif": SAMPLE, "dem.tif": path.join(FIXTURES, "float32_1band_deflate_block256_predictor3_nodata-9999_ovr2.tif") });
    server = await startServer({ root: folder.dir, port: 0, log: false });
  });
  afterAll(async () => {
    await server?.close();
    folder?.remove();
  });

  it("lists the datasets and draws the chosen one's tiles (fallback without MapLibre's CDN)", async () => {
    const { context, close } = await launchChromium();
    const blocked: string[] = [];
    try {
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(`${server.url}/`)) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      const tab = await context.newPage();
      tab.setDefaultTimeout(15_000);
      // Wide enough for the sample at zoom 13 (906 x 689 pixels there).
      await tab.setViewportSize({ width: 1200, height: 800 });
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(String(e)));

      await tab.goto(`${server.url}/?dataset=sample`);
      await tab.waitForFunction(() => (globalThis as { cogreadServe?: { ready: boolean } }).cogreadServe?.ready === true);
      const state = await tab.evaluate(() => (globalThis as unknown as { cogreadServe: { mode: string; tiles: number; errors: string[] } }).cogreadServe);
      expect(state.mode).toBe("fallback");
      expect(state.tiles).toBeGreaterThan(0);
      expect(state.errors).toEqual([expect.stringMatching(/^maplibre: cannot load https:\/\/unpkg\.com\/maplibre-gl@/)]);
      expect(blocked.every((u) => u.startsWith("https://unpkg.com/maplibre-gl@")), blocked.join(" ")).toBe(true);
      expect(errors).toEqual([]);
      expect(await tab.locator("#datasets li").allTextContents()).toEqual(["dem cog", "sample cog"]);
      expect(await tab.locator("#datasets li.on").textContent()).toBe("sample cog");

      // The map area shows the image: most of it is not the background colour.
      const shot = await tab.locator("#map").screenshot({ type: "png", timeout: 10_000 });
      if (process.env.COGREAD_SCREENSHOT) writeFileSync(process.env.COGREAD_SCREENSHOT, shot);
      const { width, height, rgba } = await rgbaOf(new Uint8Array(shot));
      let drawn = 0;
      for (let i = 0; i < width * height; i++) {
        const [r, g, b] = [rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2]];
        if (Math.abs(r - BACKGROUND[0]) + Math.abs(g - BACKGROUND[1]) + Math.abs(b - BACKGROUND[2]) > 12) drawn++;
      }
      console.log(`serve page: ${state.tiles} tiles drawn, ${((100 * drawn) / (width * height)).toFixed(1)}% of the ${width}x${height} map area is the image`);
      expect(width).toBeGreaterThan(600);
      expect(drawn / (width * height)).toBeGreaterThan(0.6);

      // Query parameters other than `dataset` reach the tiles.
      await tab.goto(`${server.url}/?dataset=dem&rescale=0,300&colormap_name=terrain`);
      await tab.waitForFunction(() => (globalThis as { cogreadServe?: { ready: boolean } }).cogreadServe?.ready === true);
      const sources = await tab.locator("#map img").evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
      expect(sources.length).toBeGreaterThan(0);
      for (const src of sources) expect(src).toMatch(new RegExp(`^${server.url}/tiles/dem/\\d+/\\d+/\\d+\\.png\\?colormap_name=terrain&rescale=0%2C300$`));
    } finally {
      await close();
    }
  }, 60_000);
});

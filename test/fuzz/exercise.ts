/**
 * What one fuzz case does with a file: the calls a user makes (open, info, getTile at a few
 * places of every level, readWindow, read, tile, point, plan), each timed, each outcome sorted
 * into ok / typed (a CogError, with its code) / untyped (anything else, with a signature).
 */
import { COGReader, isCogError } from "../../src/index.js";
import { infoReport } from "../../src/cli/info.js";

/** How one call ended. */
export interface CallOutcome {
  call: string;
  kind: "ok" | "typed" | "untyped";
  /** CogError code, or the untyped error's signature. */
  detail?: string;
  ms: number;
}

/** A stable one-line signature of an untyped error: its name, its message with numbers folded, and where it was thrown. */
export function signatureOf(error: unknown): string {
  if (!(error instanceof Error)) return `non-error: ${typeof error}`;
  const message = error.message.replace(/\b\d[\d_.e+-]*/g, "N").slice(0, 120);
  const frames = (error.stack ?? "").split("\n").slice(1);
  const own = frames.find((f) => f.includes("/src/")) ?? frames[0] ?? "";
  const where = /\/(src\/[^:)]+)/.exec(own)?.[1] ?? /\(([^)]*)\)/.exec(own)?.[1]?.replace(/:\d+:\d+$/, "") ?? own.trim();
  const fn = /at (?:async )?([\w$.<>]+) \(/.exec(own)?.[1] ?? "";
  return `${error.name}: ${message} @ ${where}${fn ? ` ${fn}` : ""}`;
}

type Timed = (call: string, fn: () => Promise<unknown>) => Promise<boolean>;

async function timedCall(out: CallOutcome[], onCall: (call: string) => void, call: string, fn: () => Promise<unknown>): Promise<boolean> {
  onCall(call);
  const start = performance.now();
  try {
    await fn();
    out.push({ call, kind: "ok", ms: performance.now() - start });
    return true;
  } catch (e) {
    const ms = performance.now() - start;
    if (isCogError(e)) out.push({ call, kind: "typed", detail: e.code, ms });
    else out.push({ call, kind: "untyped", detail: signatureOf(e), ms });
    return false;
  }
}

/** Runs every call on `bytes`; never throws. `onCall` hears each call's name as it starts. */
export async function exercise(bytes: Uint8Array, onCall: (call: string) => void = () => {}): Promise<CallOutcome[]> {
  const out: CallOutcome[] = [];
  const timed: Timed = (call, fn) => timedCall(out, onCall, call, fn);
  let cog: COGReader | undefined;
  // Fresh caches: a case must not be decided by what an earlier case left behind.
  const opened = await timed("open", async () => {
    cog = await COGReader.open(bytes, { blockCache: false, tileCache: false, headerCache: false });
  });
  if (!opened || cog === undefined) return out;
  const c = cog;
  await timed("info", () => infoReport(c));
  for (let z = 0; z < Math.min(c.ifds.length, 3); z++) {
    const { tilesAcross, tilesDown } = c.ifds[z];
    const places: Array<[number, number]> = [[0, 0], [tilesAcross >> 1, tilesDown >> 1], [tilesAcross - 1, tilesDown - 1]];
    for (const [x, y] of places) await timed(`getTile(z${z})`, () => c.getTile(x, y, z));
  }
  const w = Math.min(c.width, 96);
  const h = Math.min(c.height, 96);
  const window = { x: Math.floor((c.width - w) / 2), y: Math.floor((c.height - h) / 2), width: w, height: h };
  await timed("readWindow", () => c.readWindow(window, 0));
  await timed("plan.readWindow", () => c.plan.readWindow(window, 0));
  const gt = c.geoTransform;
  if (gt !== undefined && c.bounds !== undefined) {
    const [x0, , , y0] = gt;
    const bounds = [x0 + window.x * gt[1], y0 + (window.y + h) * gt[5], x0 + (window.x + w) * gt[1], y0 + window.y * gt[5]] as const;
    const box = [Math.min(bounds[0], bounds[2]), Math.min(bounds[1], bounds[3]), Math.max(bounds[0], bounds[2]), Math.max(bounds[1], bounds[3])] as const;
    await timed("read(nearest)", () => c.read(box, { width: 48, height: 48 }));
    await timed("read(bilinear)", () => c.read(box, { width: 48, height: 48 }, { resampling: "bilinear" }));
    await timed("point", async () => {
      const geo = c.geographicBounds;
      if (geo !== undefined) await c.point((geo[0] + geo[2]) / 2, (geo[1] + geo[3]) / 2);
    });
    // The map tile over the image's centre at its native zoom, if it has one.
    const centreTile = (): [number, number, number] | undefined => {
      const geo = c.geographicBounds;
      const zoom = c.maxzoom;
      if (geo === undefined || zoom === undefined) return undefined;
      const lon = (geo[0] + geo[2]) / 2;
      const lat = Math.max(-85, Math.min(85, (geo[1] + geo[3]) / 2));
      const z = Math.max(0, Math.min(zoom, 24));
      const n = 2 ** z;
      const x = Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
      const rad = (lat * Math.PI) / 180;
      const y = Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)));
      return [x, y, z];
    };
    // A 4-sample kernel (bilinear or cubic, by the tile's column: their own loops), a kernel with
    // a wider reach, and an area method: gdalwarp's chunks, scales, footprints.
    for (const kind of ["four", "lanczos", "mode"] as const) {
      await timed(kind === "four" ? "tile" : `tile(${kind})`, async () => {
        const t = centreTile();
        if (t !== undefined) await c.tile(t[0], t[1], t[2], { resampling: kind !== "four" ? kind : t[0] % 2 === 0 ? "bilinear" : "cubic" });
      });
    }
  }
  await timed("close", () => c.close());
  return out;
}

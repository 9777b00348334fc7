import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { render } from "../src/render.js";
import { startRangeServer, type RangeServer } from "./helpers/range-server.js";
import { expectedRgba, rgbaOf, tileAt } from "./helpers/serve.js";

const SAMPLE = new URL("../examples/data/sample_cog.tif", import.meta.url).pathname;
const BIN = new URL("../dist/cli/main.js", import.meta.url).pathname;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe("cogread info", () => {
  it("prints the sample's facts and what the command cost", async () => {
    const { code, out, err } = await run(["info", SAMPLE]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("size: 1024 x 768, 3 bands, uint8");
    expect(out).toContain("crs: EPSG:32633");
    expect(out).toContain("+proj=utm +zone=33");
    expect(out).toMatch(/COG layout: valid/);
    expect(out).toMatch(/^requests: 1, bytes: 16384$/m);
  });

  it("prints the same facts as JSON with --json", async () => {
    const { code, out } = await run(["info", SAMPLE, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.profile).toMatchObject({ width: 1024, height: 768, count: 3, dtype: "uint8", crs: "EPSG:32633", tiled: true });
    expect(report.ifds.map((l: { width: number }) => l.width)).toEqual([1024, 512, 256]);
    expect(report.cog.valid).toBe(true);
    expect(report.requests).toEqual({ count: 1, bytes: 16384 });
  });

  it("exits 1 with a one-line typed message for a missing file", async () => {
    const { code, out, err } = await run(["info", "/nonexistent/a.tif"]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toMatch(/^cogread: COG_SOURCE: cannot open file: ENOENT \(url=\/nonexistent\/a.tif\)/);
  });

  it("exits 1 for a file that is not a TIFF, with the stack only under --verbose", async () => {
    const notTiff = new URL("../package.json", import.meta.url).pathname;
    const plain = await run(["info", notTiff]);
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/COG_NOT_TIFF/);
    expect(plain.err).not.toMatch(/\n\s+at /);
    const verbose = await run(["info", notTiff, "--verbose"]);
    expect(verbose.err).toMatch(/\n\s+at /);
  });

  it("exits 2 on bad usage", async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(["info"])).code).toBe(2);
    expect((await run(["info", SAMPLE, "--bogus"])).code).toBe(2);
    expect((await run(["--help"])).code).toBe(0);
  });
});

describe("cogread info over HTTP", () => {
  let server: RangeServer;
  beforeAll(async () => {
    server = await startRangeServer({ "/sample.tif": new Uint8Array(readFileSync(SAMPLE)) });
  });
  afterAll(async () => server.close());

  it("costs one GET of exactly 16 KiB and no HEAD", async () => {
    const { code, out } = await run(["info", `${server.url}/sample.tif`, "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(out).fileSize).toBe(readFileSync(SAMPLE).byteLength);
    expect(server.requests).toEqual([{ method: "GET", path: "/sample.tif", range: "bytes=0-16383" }]);
  });

  it("reports a 404 as COG_HTTP with the status and URL", async () => {
    const { code, err } = await run(["info", `${server.url}/missing.tif`]);
    expect(code).toBe(1);
    expect(err).toContain("COG_HTTP");
    expect(err).toContain("404");
    expect(err).toContain(`${server.url}/missing.tif`);
  });
});

describe("the README's first command", () => {
  it("the built CLI prints the sample's info", async () => {
    expect(existsSync(BIN), "dist/ is missing: `npm install` builds it through the prepare script").toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, "info", SAMPLE], { timeout: 15_000 });
    expect(stdout).toContain("size: 1024 x 768, 3 bands, uint8");
    expect(stdout).toMatch(/^requests: 1, bytes: 16384$/m);
  });
});

describe("cogread plan and snapshot", () => {
  it("plan prints the requests a tile would cost, without reading it", async () => {
    const { code, out } = await run(["plan", SAMPLE, "getTile", "1", "1", "0"]);
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    expect(plan.requests).toBe(1);
    expect(plan.data).toHaveLength(1);
    const { COGReader } = await import("../src/index.js");
    const cog = await COGReader.open(SAMPLE, { blockCache: false });
    const [r] = await cog.locateTile(1, 1, 0);
    await cog.close();
    expect(plan.data[0]).toEqual([r.offset, r.length]);
  });

  it("snapshot prints JSON that reopens the file with no request", async () => {
    const { code, out } = await run(["snapshot", SAMPLE]);
    expect(code).toBe(0);
    const snap = JSON.parse(out);
    const { COGReader } = await import("../src/index.js");
    const cog = await COGReader.open(SAMPLE, { snapshot: snap, blockCache: false });
    expect(cog.requests.count).toBe(0);
    await cog.getTile(3, 2, 0);
    expect(cog.requests.count).toBe(1);
    await cog.close();
  });

  it("plan with bad arguments exits 1 with COG_USAGE", async () => {
    const { code, err } = await run(["plan", SAMPLE, "tile", "x", "1", "2"]);
    expect(code).toBe(1);
    expect(err).toMatch(/COG_USAGE/);
  });
});

describe("cogread tile and read", () => {
  const dir = mkdtempSync(join(tmpdir(), "cogread-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function tileOf(args: { z: number; x: number; y: number }) {
    const { COGReader } = await import("../src/index.js");
    const cog = await COGReader.open(SAMPLE, { blockCache: false, tileCache: false });
    try {
      return await cog.tile(args.x, args.y, args.z);
    } finally {
      await cog.close();
    }
  }

  it("tile writes what render(tile()) draws, to a file or stdout, and says what it cost", async () => {
    const [x, y, z] = tileAt(13.501, 53.24, 13);
    const file = join(dir, "t.png");
    const { code, err } = await run(["tile", SAMPLE, `${z}/${x}/${y}`, "-o", file]);
    expect(code).toBe(0);
    expect(err).toMatch(/^cogread: .*t\.png: 256x256 png, \d+ bytes; requests: 2, bytes: \d+\n$/);
    const raster = await tileOf({ x, y, z });
    expect(readFileSync(file).equals(Buffer.from(await render(raster)))).toBe(true);
    const { rgba } = await rgbaOf(readFileSync(file));
    expect(Buffer.from(rgba).equals(Buffer.from(expectedRgba(raster)))).toBe(true);

    let bytes: Uint8Array = new Uint8Array();
    const viaStdout = await runCli(["tile", SAMPLE, `${z}/${x}/${y}`, "-o", "-", "--bidx", "2", "--colormap", "magma", "--rescale", "0,200"], { out: () => undefined, err: () => undefined, outBytes: (b) => (bytes = b) });
    expect(viaStdout).toBe(0);
    const { COGReader } = await import("../src/index.js");
    const cog = await COGReader.open(SAMPLE, { blockCache: false });
    const band2 = await cog.tile(x, y, z, { bands: [2] });
    await cog.close();
    expect(Buffer.from(bytes).equals(Buffer.from(await render(band2, { colormap: "magma", rescale: [[0, 200]] })))).toBe(true);
  });

  it("tile picks the format from --format or the output's extension", async () => {
    const [x, y, z] = tileAt(13.55, 53.2, 12);
    expect((await run(["tile", SAMPLE, `${z}/${x}/${y}`, "-o", join(dir, "t.webp")])).code).toBe(0);
    expect(readFileSync(join(dir, "t.webp")).subarray(8, 12).toString()).toBe("WEBP");
    expect((await run(["tile", SAMPLE, `${z}/${x}/${y}`, "-o", join(dir, "t.out"), "--format", "jpeg"])).code).toBe(0);
    expect(Array.from(readFileSync(join(dir, "t.out")).subarray(0, 2))).toEqual([0xff, 0xd8]);
  });

  it("read draws the bounds (file CRS or --bounds-crs) as render(read()) does", async () => {
    const { COGReader } = await import("../src/index.js");
    const cog = await COGReader.open(SAMPLE, { blockCache: false });
    const [minx, miny, maxx, maxy] = cog.bounds!;
    const box: [number, number, number, number] = [minx + 1000, miny + 1000, maxx - 2000, maxy - 500];
    const file = join(dir, "r.png");
    const { code, err } = await run(["read", SAMPLE, "--bounds", box.join(","), "--size", "300x200", "-o", file, "--resampling", "bilinear"]);
    expect(err).toMatch(/r\.png: 300x200 png/);
    expect(code).toBe(0);
    const expected = await render(await cog.read(box, { width: 300, height: 200 }, { resampling: "bilinear" }));
    expect(readFileSync(file).equals(Buffer.from(expected))).toBe(true);

    // In longitude/latitude: the file's CRS box of the densified edges, as rasterio's transform_bounds.
    const lonlat = [13.52, 53.18, 13.6, 53.23];
    expect((await run(["read", SAMPLE, "--bounds", lonlat.join(","), "--bounds-crs", "EPSG:4326", "--size", "64x48", "-o", file])).code).toBe(0);
    const { pointTransform, transformBoundsDense } = await import("../src/raster/projection.js");
    const utm = transformBoundsDense(await pointTransform("EPSG:4326", cog.crs.proj4!), lonlat as [number, number, number, number]);
    expect(readFileSync(file).equals(Buffer.from(await render(await cog.read(utm, { width: 64, height: 48 }))))).toBe(true);
    await cog.close();
  });

  it("bad tile and read arguments: usage (2) or a one-line typed error (1)", async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["tile", SAMPLE, "13/1/2"], 2, /tile needs -o FILE/],
      [["tile", SAMPLE, "13-1-2", "-o", "x.png"], 1, /COG_USAGE: the tile is given as Z\/X\/Y/],
      [["tile", SAMPLE, "1/0/0", "-o", join(dir, "x.png")], 1, /COG_TILE_OUTSIDE: tile 1\/0\/0 is outside/],
      [["tile", SAMPLE, "13/1/2", "-o", "x.png", "--colormap", "jet"], 1, /COG_USAGE: colormap_name must be one of/],
      [["tile", SAMPLE, "13/1/2", "-o", "x.png", "--format", "gif"], 1, /COG_USAGE: --format is png, jpeg or webp/],
      [["tile", SAMPLE, "13/1/2", "-o", "x.png", "--bounds", "1,2,3,4"], 2, /tile takes no option --bounds/],
      [["read", SAMPLE, "--size", "10x10", "-o", "x.png"], 1, /COG_USAGE: read needs --bounds/],
      [["read", SAMPLE, "--bounds", "1,2,3", "--size", "10x10", "-o", "x.png"], 1, /--bounds takes 4 numbers/],
      [["read", SAMPLE, "--bounds", "1,2,3,4", "--size", "10", "-o", "x.png"], 1, /--size takes 2 numbers/],
      [["read", SAMPLE, "--bounds", "1,2,3,4", "--size", "0x10", "-o", "x.png"], 1, /--size is WIDTHxHEIGHT/],
      [["serve", SAMPLE, "--port", "http"], 1, /COG_USAGE: --port is 0–65535/],
      [["serve", "/nonexistent/folder"], 1, /COG_USAGE: no such file or folder: \/nonexistent\/folder/],
    ];
    for (const [argv, status, message] of cases) {
      const { code, err } = await run(argv);
      expect(code, argv.join(" ")).toBe(status);
      expect(err, argv.join(" ")).toMatch(message);
      if (status === 1) expect(err.trim().split("\n"), argv.join(" ")).toHaveLength(1);
    }
  });
});

describe("cogread serve (the built CLI)", () => {
  it("serves until SIGTERM, logs each tile on stderr, finishes and exits 0", async () => {
    expect(existsSync(BIN), "dist/ is missing: npm run build").toBe(true);
    const child = spawn(process.execPath, [BIN, "serve", SAMPLE, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    try {
      const deadline = Date.now() + 10_000;
      while (!/at (http:\S+)\//.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const url = /at (http:\S+)\//.exec(err)![1];
      expect(err).toMatch(/^cogread serve: 1 dataset \(sample_cog\) at http:\/\/127\.0\.0\.1:\d+\/\n/);
      const [x, y, z] = tileAt(13.55, 53.2, 12);
      const res = await fetch(`${url}/tiles/sample_cog/${z}/${x}/${y}.png`, { signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(err).toMatch(/\nGET \/tiles\/sample_cog\/12\/\d+\/\d+\.png 200 requests=2 bytes=\d+ size=\d+ ms=[\d.]+\n/);
    expect(err).toMatch(/SIGTERM: finishing requests in flight\n$/);
  });

  it("a port in use is one line and exit code 1", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    try {
      const port = (taken.address() as AddressInfo).port;
      const result = await promisify(execFile)(process.execPath, [BIN, "serve", SAMPLE, "--port", String(port)], { timeout: 15_000 }).catch((e: { code: number; stderr: string }) => e);
      expect((result as { code: number }).code).toBe(1);
      expect((result as { stderr: string }).stderr).toBe(`cogread: COG_USAGE: port ${port} on 127.0.0.1 is in use: choose another with --port\n`);
    } finally {
      taken.close();
    }
  });
});

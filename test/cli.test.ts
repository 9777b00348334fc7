import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { startRangeServer, type RangeServer } from "./helpers/range-server.js";

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

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { createMosaic } from "../src/mosaic.js";
import { mosaicFixture } from "./helpers/mosaic-fixtures.js";

const CUTS = [0, 1, 2, 3].map((i) => mosaicFixture(`cut_${i}.tif`));
const BIN = new URL("../dist/cli/main.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "cogread-mosaic-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], errIsTTY = false): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), errIsTTY });
  return { code, out, err };
}

describe("cogread mosaic create", () => {
  it("writes createMosaic's document; without a terminal, one progress line per file (4 files) and a summary with the requests", async () => {
    const file = join(dir, "m.json");
    const { code, out, err } = await run(["mosaic", "create", ...CUTS, "-o", file, "--name", "cuts", "--quadkey-zoom", "13"]);
    expect(code).toBe(0);
    expect(out).toBe("");
    const doc = await createMosaic(CUTS, { name: "cuts", quadkeyZoom: 13 });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(doc);
    expect(Object.keys(doc.tiles)).toHaveLength(2);
    const lines = err.trimEnd().split("\n");
    expect(lines.slice(0, 4).map((l) => l.replace(/ cut_\d\.tif$/, ""))).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    expect(lines[4]).toBe(`${file}: 4 files, 2 quadkeys at zoom 13, zooms 14-14; requests: 4, bytes: ${CUTS.reduce((s, c) => s + Math.min(16384, readFileSync(c).length), 0)}`);
    expect(err).not.toContain("\r");
  });

  it("one line every tenth of the files when there are many; on a terminal a bar redrawn in place", async () => {
    const many = [...CUTS, ...CUTS, ...CUTS, ...CUTS, ...CUTS];
    const plain = await run(["mosaic", "create", ...many, "-o", join(dir, "many.json")]);
    expect(plain.code).toBe(0);
    expect(plain.err.trimEnd().split("\n").slice(0, -1).map((l) => l.split(" ")[0])).toEqual(["2/20", "4/20", "6/20", "8/20", "10/20", "12/20", "14/20", "16/20", "18/20", "20/20"]);
    const tty = await run(["mosaic", "create", ...CUTS, "-o", join(dir, "tty.json")], true);
    expect(tty.code).toBe(0);
    const frames = tty.err.split("\r").filter(Boolean);
    expect(frames).toHaveLength(4);
    expect(frames[1]).toMatch(/^\[#{15}\.{15}\] 2\/4 cut_\d\.tif\x1b\[K$/);
    expect(frames[3]).toMatch(/^\[#{30}\] 4\/4 cut_\d\.tif\x1b\[K\n/);
  });

  it("gzip when the output ends in .gz, stdout without -o, nothing on stderr with --quiet", async () => {
    const gz = join(dir, "m.json.gz");
    expect((await run(["mosaic", "create", ...CUTS, "-o", gz, "--quiet"])).code).toBe(0);
    const doc = JSON.parse(gunzipSync(readFileSync(gz)).toString("utf8"));
    expect(doc).toEqual(await createMosaic(CUTS));
    const stdout = await run(["mosaic", "create", ...CUTS, "--quiet"]);
    expect(stdout.err).toBe("");
    expect(JSON.parse(stdout.out)).toEqual(doc);
  });

  it("bad arguments exit 2 with the usage; an unreadable file exits 1 with its typed error", async () => {
    for (const argv of [["mosaic"], ["mosaic", "create"], ["mosaic", "create", CUTS[0], "--minzoom", "x"], ["mosaic", "create", CUTS[0], "--bogus"], ["mosaic", "create", CUTS[0], "-o"]]) {
      const { code, err } = await run(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(err).toMatch(/usage: cogread/);
    }
    const missing = await run(["mosaic", "create", CUTS[0], "/nonexistent/a.tif", "-o", join(dir, "x.json"), "--quiet"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^cogread: COG_SOURCE: .*\/nonexistent\/a\.tif/);
    expect(existsSync(join(dir, "x.json"))).toBe(false);
  });

  it("the built CLI runs it, importing the built cogread/mosaic", async () => {
    expect(existsSync(BIN), "dist/ is missing: run npm run build").toBe(true);
    expect(readFileSync(BIN, "utf8")).toMatch(/from "\.\.\/mosaic\.js"/);
    const file = join(dir, "bin.json");
    const { stderr } = await promisify(execFile)(process.execPath, [BIN, "mosaic", "create", ...CUTS, "-o", file], { timeout: 15_000 });
    expect(stderr).toMatch(/4\/4/);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(await createMosaic(CUTS));
  });
});

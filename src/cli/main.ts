import { writeFileSync } from "node:fs";
import { isCogError } from "../errors.js";
import { COGReader } from "../reader.js";
import { parseArgs, type ArgSpec, type ParsedArgs } from "./args.js";
import { planCommand, snapshotCommand } from "./commands.js";
import { formatInfo } from "./format.js";
import { infoReport } from "./info.js";
import { readCommand, tileCommand, type RenderResult } from "./render-commands.js";
import { serveCommand } from "./serve.js";
import { runMosaic } from "./mosaic.js";

const USAGE = `usage: cogread info <path|url> [--json] [--verbose]
       cogread plan <path|url> getTile|tile X Y Z
       cogread plan <path|url> read MINX MINY MAXX MAXY WIDTH HEIGHT
       cogread snapshot <path|url> > file.snapshot.json
       cogread tile <path|url> Z/X/Y -o tile.png [render options]
       cogread read <path|url> --bounds MINX,MINY,MAXX,MAXY --size WxH -o out.png
                    [--bounds-crs EPSG:4326] [render options]
       cogread serve <folder|file.tif|mosaic.json> [--port 8080] [--host 127.0.0.1]
                    [--snapshots snapshots.json]
       cogread mosaic create <path|url>... -o mosaic.json[.gz] [--minzoom N] [--maxzoom N]
                    [--quadkey-zoom N] [--name S] [--description S] [--attribution S]

commands:
  info      print the file's profile, georeferencing, IFDs, COG layout check
            and the requests and bytes the command cost
  plan      print, as JSON, the requests a getTile/tile/read call would send
            (a dry run: nothing but the header is read)
  snapshot  print a header snapshot (JSON) to open the file later with no request
  tile      draw the XYZ map tile Z/X/Y (EPSG:3857) as PNG, JPEG or WebP
  read      draw the bounds (the file's CRS, or --bounds-crs) at WxH pixels
  serve     serve a folder of COGs and MosaicJSONs as XYZ tiles, TileJSON and a map
            page, until SIGINT or SIGTERM (README, "Tile server")
  mosaic    create: write the MosaicJSON of COGs, reading only their headers
            (a progress bar on stderr; --concurrency N, --quiet)

render options (titiler's names in brackets):
  -o, --output FILE       the image; - writes it to stdout
  --format png|jpeg|webp  default: the output's extension, else png
  --bidx 1,2,3            bands to draw [bidx]
  --rescale MIN,MAX       stretch to 0-255; repeat once per band [rescale]
  --colormap NAME|JSON    gray, viridis, magma, terrain, rdylgn (also _r), or a
                          JSON table [colormap_name, colormap]
  --resampling METHOD     nearest, bilinear, cubic, lanczos, average, mode… [resampling]
  --nodata VALUE          pixels of this value are transparent [nodata]
  --pixel-selection M     mosaics: first, highest, lowest, mean… [pixel_selection]

options:
  --json     print the same facts as one JSON object
  --verbose  print the stack trace on error
  --help     print this help`;

const RENDER = ["output", "format", "bidx", "rescale", "colormap", "resampling", "nodata"];

/** Options each command takes (every command also takes --verbose and --help). */
const COMMANDS: Record<string, { positionals: (n: number) => boolean; flags: string[]; options: string[] }> = {
  info: { positionals: (n) => n === 1, flags: ["json"], options: [] },
  plan: { positionals: (n) => n > 1, flags: [], options: [] },
  snapshot: { positionals: (n) => n === 1, flags: [], options: [] },
  tile: { positionals: (n) => n === 2, flags: [], options: [...RENDER, "pixel-selection"] },
  read: { positionals: (n) => n === 1, flags: [], options: [...RENDER, "bounds", "size", "bounds-crs"] },
  serve: { positionals: (n) => n === 1, flags: [], options: ["port", "host", "snapshots"] },
};

const SPEC: ArgSpec = {
  flags: ["json", "verbose", "help"],
  options: Object.fromEntries(
    [...new Set(Object.values(COMMANDS).flatMap((c) => c.options))].map((o) => [o, { short: o === "output" ? "o" : undefined, multiple: o === "rescale" || o === "bidx" }]),
  ),
};

/**
 * Where the CLI writes: text on stdout and stderr, and images on stdout (`-o -`).
 *
 * @example
 * ```ts
 * const io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), outBytes: (b) => chunks.push(b) };
 * ```
 */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Bytes for stdout (default: `process.stdout`). */
  outBytes?: (b: Uint8Array) => void;
  /** Whether stderr is a terminal (`mosaic create` draws its progress bar there). */
  errIsTTY?: boolean;
}

/**
 * Runs the CLI with `argv` (without `node` and the script path) and returns the exit code:
 * 0 on success, 1 on error (a one-line message on stderr), 2 on bad usage.
 *
 * @example
 * ```ts
 * const code = await runCli(["info", "examples/data/sample_cog.tif", "--json"]);
 * ```
 */
export async function runCli(
  argv: string[],
  io: CliIo = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    errIsTTY: process.stderr.isTTY,
  },
): Promise<number> {
  if (argv[0] === "mosaic" && !argv.includes("--help")) return runMosaic(argv.slice(1), io, USAGE);
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, SPEC);
  } catch (e) {
    io.err(`cogread: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { positionals, flags, options } = args;
  if (flags.has("help") || positionals.length === 0) {
    io.out(`${USAGE}\n`);
    return positionals.length === 0 && !flags.has("help") ? 2 : 0;
  }
  const [command, ...rest] = positionals;
  const shape = COMMANDS[command];
  const stray = shape && [...flags, ...Object.keys(options)].find((o) => o !== "verbose" && !shape.flags.includes(o) && !shape.options.includes(o));
  if (shape === undefined || !shape.positionals(rest.length) || stray !== undefined) {
    io.err(`cogread: ${stray !== undefined ? `${command} takes no option --${stray}` : `bad arguments: ${argv.join(" ")}`}\n${USAGE}\n`);
    return 2;
  }
  const one = (name: string) => options[name]?.[0];
  try {
    if (command === "serve") return await serveCommand(rest[0], { port: one("port"), host: one("host"), snapshots: one("snapshots") }, io);
    if (command === "tile" || command === "read") {
      const output = one("output");
      if (output === undefined) {
        io.err(`cogread: ${command} needs -o FILE (or -o - for stdout)\n`);
        return 2;
      }
      const o = { ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v[0]])), rescale: options.rescale, bidx: options.bidx, output };
      const result = command === "tile" ? await tileCommand(rest[0], rest[1], o) : await readCommand(rest[0], o);
      writeImage(result, output, io);
      return 0;
    }
    return await fileCommand(command, rest, flags, io);
  } catch (e) {
    const message = isCogError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
    io.err(`cogread: ${message}\n`);
    if (flags.has("verbose") && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return 1;
  }
}

/** info, plan and snapshot: one open file. */
async function fileCommand(command: string, [path, ...rest]: string[], flags: Set<string>, io: CliIo): Promise<number> {
  let cog: COGReader | undefined;
  try {
    cog = await COGReader.open(path);
    if (command === "plan") {
      const plan = await planCommand(cog, rest);
      io.out(`${JSON.stringify({ ...plan, requests: plan.header.length + plan.data.length }, null, 2)}\n`);
    } else if (command === "snapshot") {
      io.out(`${JSON.stringify(await snapshotCommand(cog))}\n`);
    } else {
      const report = await infoReport(cog);
      io.out(flags.has("json") ? `${JSON.stringify(report, null, 2)}\n` : formatInfo(report));
    }
    return 0;
  } finally {
    await cog?.close().catch(() => undefined);
  }
}

/** Writes the image to the file, or to stdout for `-`; says on stderr what it wrote and what it cost. */
function writeImage(r: RenderResult, output: string, io: CliIo): void {
  if (output === "-") (io.outBytes ?? ((b) => process.stdout.write(b)))(r.image);
  else writeFileSync(output, r.image);
  io.err(`cogread: ${output === "-" ? "stdout" : output}: ${r.width}x${r.height} ${r.format}, ${r.image.byteLength} bytes; requests: ${r.requests.count}, bytes: ${r.requests.bytes}\n`);
}

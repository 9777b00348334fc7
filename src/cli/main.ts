import { isCogError } from "../errors.js";
import { COGReader } from "../reader.js";
import { planCommand, snapshotCommand } from "./commands.js";
import { formatInfo } from "./format.js";
import { infoReport } from "./info.js";
import { runMosaic } from "./mosaic.js";

const USAGE = `usage: cogread info <path|url> [--json] [--verbose]
       cogread plan <path|url> getTile|tile X Y Z
       cogread plan <path|url> read MINX MINY MAXX MAXY WIDTH HEIGHT
       cogread snapshot <path|url> > file.snapshot.json
       cogread mosaic create <path|url>... -o mosaic.json[.gz] [--minzoom N] [--maxzoom N]
               [--quadkey-zoom N] [--name S] [--description S] [--attribution S]

commands:
  info      print the file's profile, georeferencing, IFDs, COG layout check
            and the requests and bytes the command cost
  plan      print, as JSON, the requests a getTile/tile/read call would send
            (a dry run: nothing but the header is read)
  snapshot  print a header snapshot (JSON) to open the file later with no request
  mosaic    create: write the MosaicJSON of COGs, reading only their headers
            (a progress bar on stderr; --concurrency N, --quiet)

options:
  --json     print the same facts as one JSON object
  --verbose  print the stack trace on error
  --help     print this help`;

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
  io: { out: (s: string) => void; err: (s: string) => void; errIsTTY?: boolean } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    errIsTTY: process.stderr.isTTY,
  },
): Promise<number> {
  if (argv[0] === "mosaic" && !argv.includes("--help")) return runMosaic(argv.slice(1), io, USAGE);
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const args = argv.filter((a) => !a.startsWith("--"));
  if (flags.has("--help") || args.length === 0) {
    io.out(`${USAGE}\n`);
    return args.length === 0 && !flags.has("--help") ? 2 : 0;
  }
  const unknown = [...flags].filter((f) => !["--json", "--verbose", "--help"].includes(f));
  const [command, path, ...rest] = args;
  const shapeOk = (command === "info" && rest.length === 0) || (command === "snapshot" && rest.length === 0) || (command === "plan" && rest.length > 0);
  if (!shapeOk || path === undefined || unknown.length > 0) {
    io.err(`cogread: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : `bad arguments: ${argv.join(" ")}`}\n${USAGE}\n`);
    return 2;
  }
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
      io.out(flags.has("--json") ? `${JSON.stringify(report, null, 2)}\n` : formatInfo(report));
    }
    return 0;
  } catch (e) {
    const message = isCogError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
    io.err(`cogread: ${message}\n`);
    if (flags.has("--verbose") && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return 1;
  } finally {
    await cog?.close().catch(() => undefined);
  }
}

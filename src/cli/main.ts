import { isCogError } from "../errors.js";
import { COGReader } from "../reader.js";
import { formatInfo } from "./format.js";
import { infoReport } from "./info.js";

const USAGE = `usage: cogread info <path|url> [--json] [--verbose]

commands:
  info    print the file's profile, georeferencing, IFDs, COG layout check
          and the requests and bytes the command cost

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
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const args = argv.filter((a) => !a.startsWith("--"));
  if (flags.has("--help") || args.length === 0) {
    io.out(`${USAGE}\n`);
    return args.length === 0 && !flags.has("--help") ? 2 : 0;
  }
  const unknown = [...flags].filter((f) => !["--json", "--verbose", "--help"].includes(f));
  if (args[0] !== "info" || args.length !== 2 || unknown.length > 0) {
    io.err(`cogread: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : `bad arguments: ${argv.join(" ")}`}\n${USAGE}\n`);
    return 2;
  }
  let cog: COGReader | undefined;
  try {
    cog = await COGReader.open(args[1]);
    const report = await infoReport(cog);
    io.out(flags.has("--json") ? `${JSON.stringify(report, null, 2)}\n` : formatInfo(report));
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

import { writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { CogError, isCogError } from "../errors.js";
import { COGReader } from "../reader.js";
import { createMosaic, type CreateMosaicOptions } from "../mosaic.js";

/** Where `cogread mosaic` writes: stdout, stderr, and whether stderr is a terminal. */
export interface MosaicIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Draw the progress bar in place (`\r`); otherwise one line every few files. */
  errIsTTY?: boolean;
}

const NUMBERS = { "--minzoom": "minzoom", "--maxzoom": "maxzoom", "--quadkey-zoom": "quadkeyZoom", "--concurrency": "concurrency" } as const;
const STRINGS = { "--name": "name", "--description": "description", "--attribution": "attribution" } as const;

/**
 * Parses `mosaic create` arguments; `COG_USAGE` on anything else.
 *
 * @example
 * ```ts
 * parseMosaicArgs(["create", "a.tif", "b.tif", "-o", "m.json", "--minzoom", "12"]);
 * ```
 */
export function parseMosaicArgs(argv: string[]): { files: string[]; output?: string; quiet: boolean; options: CreateMosaicOptions } {
  const [sub, ...rest] = argv;
  if (sub !== "create") throw new CogError("COG_USAGE", `unknown mosaic command ${JSON.stringify(sub ?? "")}: use mosaic create`);
  const files: string[] = [];
  const options: Record<string, number | string> = {};
  let output: string | undefined;
  let quiet = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) throw new CogError("COG_USAGE", `${a} needs a value`);
      return rest[++i];
    };
    if (a === "-o" || a === "--output") output = value();
    else if (a === "--quiet") quiet = true;
    else if (a in NUMBERS) {
      const v = value();
      if (!/^\d+$/.test(v)) throw new CogError("COG_USAGE", `${a} takes a non-negative integer, got ${JSON.stringify(v)}`);
      options[NUMBERS[a as keyof typeof NUMBERS]] = Number(v);
    } else if (a in STRINGS) options[STRINGS[a as keyof typeof STRINGS]] = value();
    else if (a.startsWith("-") && a !== "-") throw new CogError("COG_USAGE", `unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) throw new CogError("COG_USAGE", "mosaic create needs at least one file");
  return { files, output, quiet, options: options as CreateMosaicOptions };
}

/**
 * A progress reporter for `total` files on stderr: on a terminal one bar redrawn in place
 * (`\r[########......] 12/80 name`), elsewhere a line every tenth of the files (and the last).
 *
 * @example
 * ```ts
 * const progress = progressBar(80, { err: (s) => process.stderr.write(s), errIsTTY: true });
 * progress(1, "a.tif");
 * ```
 */
export function progressBar(total: number, io: Pick<MosaicIo, "err" | "errIsTTY">): (done: number, name: string) => void {
  const width = 30;
  const every = Math.max(1, Math.ceil(total / 10));
  return (done, name) => {
    const base = name.split(/[\\/]/).pop() ?? name;
    if (io.errIsTTY) {
      const filled = Math.round((done / total) * width);
      io.err(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${base}\x1b[K${done === total ? "\n" : ""}`);
    } else if (done % every === 0 || done === total) io.err(`${done}/${total} ${base}\n`);
  };
}

/**
 * `cogread mosaic create <files…> -o mosaic.json`: the MosaicJSON of the files (gzip when the
 * output ends in `.gz`; stdout without `-o`), a progress bar on stderr, and a summary line with
 * the requests the headers cost. Throws `CogError`s; `runCli` turns them into exit codes.
 *
 * @example
 * ```ts
 * await mosaicCommand(["create", "a.tif", "b.tif", "-o", "mosaic.json"], { out: console.log, err: console.error });
 * ```
 */
export async function mosaicCommand(argv: string[], io: MosaicIo): Promise<void> {
  const { files, output, quiet, options } = parseMosaicArgs(argv);
  const progress = quiet ? undefined : progressBar(files.length, io);
  const readers: COGReader[] = [];
  const doc = await createMosaic(files, {
    ...options,
    onProgress: progress && ((p) => progress(p.done, p.url)),
    openAsset: async (url, o) => {
      const cog = await COGReader.open(url, o);
      readers.push(cog);
      return cog;
    },
  });
  const text = `${JSON.stringify(doc)}\n`;
  if (output === undefined) io.out(text);
  else await writeFile(output, output.endsWith(".gz") ? gzipSync(text) : text);
  const requests = readers.reduce((s, r) => s + r.requests.count, 0);
  const bytes = readers.reduce((s, r) => s + r.requests.bytes, 0);
  if (!quiet) {
    io.err(`${output ?? "mosaic"}: ${files.length} files, ${Object.keys(doc.tiles).length} quadkeys at zoom ${doc.quadkey_zoom}, zooms ${doc.minzoom}-${doc.maxzoom}; requests: ${requests}, bytes: ${bytes}\n`);
  }
}

/**
 * `cogread mosaic …` as `runCli` runs it: the exit code, 0 on success, 1 on error (one line on
 * stderr, the stack with `--verbose`), 2 on bad arguments (with `usage`).
 *
 * @example
 * ```ts
 * const code = await runMosaic(["create", "a.tif", "-o", "m.json"], { out: console.log, err: console.error }, "usage: …");
 * ```
 */
export async function runMosaic(argv: string[], io: MosaicIo, usage: string): Promise<number> {
  const verbose = argv.includes("--verbose");
  const args = argv.filter((a) => a !== "--verbose");
  try {
    parseMosaicArgs(args);
  } catch (e) {
    io.err(`cogread: ${isCogError(e) ? e.message : String(e)}\n${usage}\n`);
    return 2;
  }
  try {
    await mosaicCommand(args, io);
    return 0;
  } catch (e) {
    io.err(`cogread: ${isCogError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e)}\n`);
    if (verbose && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return 1;
  }
}

import { CogError } from "../errors.js";

/**
 * What a command accepts: boolean `flags` and `options` that take a value (`--port 8080`,
 * `--port=8080`, `-o out.png`). A `multiple` option may be given more than once.
 *
 * @example
 * ```ts
 * const spec: ArgSpec = { flags: ["json"], options: { output: { short: "o" }, rescale: { multiple: true } } };
 * ```
 */
export interface ArgSpec {
  flags: readonly string[];
  options: Readonly<Record<string, { short?: string; multiple?: boolean }>>;
}

/**
 * Parsed command line: positionals in order, the flags given, and each option's values.
 *
 * @example
 * ```ts
 * const { positionals, flags, options } = parseArgs(["a.tif", "-o", "-"], spec);
 * ```
 */
export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Record<string, string[]>;
}

/**
 * Splits `argv` by `spec`. An option that takes a value always takes the next argument, even one
 * that starts with `-` (`-o -` is stdout, `--bounds -10,…`); a lone `-` and negative numbers are
 * positionals; `--` ends the options. Unknown options, a missing value, a value given to a flag,
 * or a repeated single option are `COG_USAGE`.
 *
 * @example
 * ```ts
 * parseArgs(["tile", "a.tif", "3/4/5", "--rescale=0,100", "-o", "t.png"], spec);
 * // { positionals: ["tile", "a.tif", "3/4/5"], flags: Set {}, options: { rescale: ["0,100"], output: ["t.png"] } }
 * ```
 */
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: new Set(), options: {} };
  const byShort = new Map(Object.entries(spec.options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-") || /^-\d|^-\.\d/.test(arg)) {
      out.positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const eq = long ? arg.indexOf("=") : -1;
    const key = long ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
    const name = long ? key : byShort.get(key);
    if (name !== undefined && spec.flags.includes(name) && long) {
      if (eq >= 0) throw new CogError("COG_USAGE", `option --${name} takes no value`);
      out.flags.add(name);
      continue;
    }
    const option = name === undefined ? undefined : spec.options[name];
    if (name === undefined || option === undefined) throw new CogError("COG_USAGE", `unknown option ${long ? `--${key}` : arg}`);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    if (value === undefined) throw new CogError("COG_USAGE", `option ${arg} needs a value`);
    const values = (out.options[name] ??= []);
    if (values.length > 0 && !option.multiple) throw new CogError("COG_USAGE", `option --${name} given twice`);
    values.push(value);
  }
  return out;
}

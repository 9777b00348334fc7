import type { OverviewStrategy } from "./locate/overview.js";

/**
 * Settings read from environment variables, with aiocogeo's names under a `COGREAD_` prefix.
 *
 * | variable | effect |
 * |---|---|
 * | `COGREAD_INGESTED_BYTES_AT_OPEN` | `initialBytes` (first read) |
 * | `COGREAD_HEADER_CHUNK_SIZE` | first readahead chunk when the header is larger |
 * | `COGREAD_ENABLE_BLOCK_CACHE` | `FALSE` turns the block cache off |
 * | `COGREAD_ENABLE_HEADER_CACHE` | `FALSE` turns the header cache off |
 * | `COGREAD_HTTP_MERGE_CONSECUTIVE_RANGES` | `FALSE` fetches image and mask blocks apart |
 * | `COGREAD_BOUNDLESS_READ` | `FALSE`: reads reaching outside the image fail |
 * | `COGREAD_BOUNDLESS_READ_FILL_VALUE` | fill value outside the image |
 * | `COGREAD_ZOOM_LEVEL_STRATEGY` | `AUTO`, `LOWER`, `UPPER`, `GDAL` or a percentage |
 * | `COGREAD_LOG_LEVEL` | `DEBUG`: one line per request, and per block-cache hit, on stderr |
 * | `COGREAD_AWS_REQUEST_PAYER` | `requester` for requester-pays S3 buckets |
 *
 * Explicit options always win over the environment.
 *
 * @example
 * ```ts
 * const settings = envSettings({ COGREAD_ZOOM_LEVEL_STRATEGY: "LOWER" }); // { overviewStrategy: "LOWER" }
 * ```
 */
export interface EnvSettings {
  initialBytes?: number;
  headerChunkSize?: number;
  blockCache?: false;
  headerCache?: false;
  mergeConsecutiveRanges?: boolean;
  boundless?: boolean;
  fillValue?: number;
  overviewStrategy?: OverviewStrategy;
  debug?: boolean;
  requestPayer?: string;
}

/**
 * Reads {@link EnvSettings} from `env` (default: `process.env` where there is one). Values that
 * do not parse are ignored.
 *
 * @example
 * ```ts
 * envSettings({ COGREAD_INGESTED_BYTES_AT_OPEN: "32768" }).initialBytes; // 32768
 * ```
 */
export function envSettings(env: Record<string, string | undefined> = defaultEnv()): EnvSettings {
  const get = (name: string) => env[`COGREAD_${name}`]?.trim();
  const int = (name: string) => {
    const v = Number(get(name));
    return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  };
  const bool = (name: string) => {
    const v = get(name)?.toUpperCase();
    return v === undefined || v === "" ? undefined : !["FALSE", "NO", "0", "OFF"].includes(v);
  };
  const out: EnvSettings = {};
  const set = <K extends keyof EnvSettings>(key: K, value: EnvSettings[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set("initialBytes", int("INGESTED_BYTES_AT_OPEN"));
  set("headerChunkSize", int("HEADER_CHUNK_SIZE"));
  if (bool("ENABLE_BLOCK_CACHE") === false) out.blockCache = false;
  if (bool("ENABLE_HEADER_CACHE") === false) out.headerCache = false;
  set("mergeConsecutiveRanges", bool("HTTP_MERGE_CONSECUTIVE_RANGES"));
  set("boundless", bool("BOUNDLESS_READ"));
  const fill = get("BOUNDLESS_READ_FILL_VALUE");
  if (fill !== undefined && fill !== "" && !Number.isNaN(Number(fill))) out.fillValue = Number(fill);
  const strategy = get("ZOOM_LEVEL_STRATEGY")?.toUpperCase();
  if (strategy !== undefined && strategy !== "") out.overviewStrategy = /^\d+(\.\d+)?$/.test(strategy) ? Number(strategy) : (strategy as OverviewStrategy);
  if (debugLogging(env)) out.debug = true;
  set("requestPayer", get("AWS_REQUEST_PAYER"));
  return out;
}

/**
 * Whether `COGREAD_LOG_LEVEL` (or `COGREAD_LOG`) is `DEBUG`: the one setting cheap enough to read
 * at every block-cache hit.
 *
 * @example
 * ```ts
 * debugLogging({ COGREAD_LOG_LEVEL: "debug" }); // true
 * ```
 */
export function debugLogging(env: Record<string, string | undefined> = defaultEnv()): boolean {
  return (env.COGREAD_LOG_LEVEL ?? env.COGREAD_LOG)?.trim().toUpperCase() === "DEBUG";
}

function defaultEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

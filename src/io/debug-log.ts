import { redactUrl } from "../redact.js";

/**
 * The fields of one debug line (see {@link formatDebugLine}).
 *
 * @example
 * ```ts
 * const line: DebugLine = { url: "https://h/f.tif", ranges: [[100, 100]], status: 206, bytes: 100, ms: 21 };
 * ```
 */
export interface DebugLine {
  /** URL or path; the query string and any user:password are hidden ({@link redactUrl}). */ url: string;
  /** The ranges the request asked for. */ ranges: ReadonlyArray<readonly [number, number]>;
  /** HTTP status of the answer used; absent for file and memory sources. */ status?: number;
  /** Error code when the request failed. */ error?: string;
  /** `memory` (served from a whole body the source holds), `cached` or `cached joined-in-flight` (block cache). */ note?: string;
  /** Bytes received. */ bytes: number;
  /** Milliseconds taken, retries included. */ ms?: number;
  /** Blocks the request carries; shown when above 1. */ merged?: number;
  /** Failed tries before the last one (statuses or error codes); shown when any. */ retried?: ReadonlyArray<number | string>;
}

/**
 * One greppable debug line, fields always in this order, optional ones left out:
 * `<url> bytes=<a-b>[,<c-d>…] [status=<s>] [error=<code>] [memory|cached|cached joined-in-flight]
 * <n> B [<ms> ms] [merged=<blocks>] [retried=<count>(<status or code>,…)]`.
 *
 * @example
 * ```ts
 * formatDebugLine({ url: "https://h/f.tif?sig=x", ranges: [[100, 100]], status: 206, bytes: 100, ms: 21, merged: 3, retried: [503] });
 * // "https://h/f.tif?… bytes=100-199 status=206 100 B 21 ms merged=3 retried=1(503)"
 * ```
 */
export function formatDebugLine(line: DebugLine): string {
  const ranges = line.ranges.map(([o, n]) => (n > 0 ? `${o}-${o + n - 1}` : `${o}+0`)).join(",");
  const out = [redactUrl(line.url), `bytes=${ranges}`];
  if (line.status !== undefined) out.push(`status=${line.status}`);
  if (line.error !== undefined) out.push(`error=${line.error}`);
  if (line.note !== undefined) out.push(line.note);
  out.push(`${line.bytes} B`);
  if (line.ms !== undefined) out.push(`${line.ms} ms`);
  if ((line.merged ?? 1) > 1) out.push(`merged=${line.merged}`);
  if (line.retried !== undefined && line.retried.length > 0) out.push(`retried=${line.retried.length}(${line.retried.join(",")})`);
  return out.join(" ");
}

/**
 * Writes one debug line, prefixed `cogread: `, on stderr (`console.debug` where there is none).
 *
 * @example
 * ```ts
 * debugLog("https://h/f.tif bytes=0-99 status=206 100 B 21 ms");
 * ```
 */
export function debugLog(line: string): void {
  const proc = (globalThis as { process?: { stderr?: { write(s: string): void } } }).process;
  if (proc?.stderr) proc.stderr.write(`cogread: ${line}\n`);
  else console.debug(`cogread: ${line}`);
}

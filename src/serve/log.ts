/**
 * One served request: what was asked, the answer, and what it cost at the dataset's source.
 *
 * @example
 * ```ts
 * const entry: LogEntry = { method: "GET", path: "/tiles/dem/1/0/0.png", status: 200, requests: 1, bytes: 2717, size: 18000, ms: 12.5 };
 * ```
 */
export interface LogEntry {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  status: number;
  /** Requests sent to the dataset's file while answering (an open included). */
  requests: number;
  /** Bytes those requests read. */
  bytes: number;
  /** Bytes of the response body. */
  size: number;
  /** Time to answer, in milliseconds. */
  ms: number;
  /** The error code of a 4xx or 5xx answer. */
  code?: string;
}

/**
 * The log line of a request, as `cogread serve` writes it on stderr:
 * `GET /tiles/dem/13/4402/2686.png 200 requests=1 bytes=2717 size=18000 ms=12.5`.
 *
 * @example
 * ```ts
 * process.stderr.write(`${formatLogLine(entry)}\n`);
 * ```
 */
export function formatLogLine(e: LogEntry): string {
  return `${e.method} ${e.path} ${e.status} requests=${e.requests} bytes=${e.bytes} size=${e.size} ms=${e.ms.toFixed(1)}${e.code ? ` code=${e.code}` : ""}`;
}

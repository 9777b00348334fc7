import { CogError } from "../errors.js";
import type { RetryPolicy } from "./http-retry.js";

// Which failures are worth another try, and how long to wait: the rules sendWithRetry applies.

/** Statuses worth another try: rate limiting and transient server or gateway failures. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Socket-level error codes (Node and undici) that a fresh connection may not hit again. */
const RETRY_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH",
  "ENETUNREACH", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Whether a response status is retried: 429, 500, 502, 503, 504. Never another 4xx.
 *
 * @example
 * ```ts
 * isRetryableStatus(503); // true
 * isRetryableStatus(404); // false
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  return RETRY_STATUSES.has(status);
}

/**
 * Whether a thrown transport error is a connection reset or socket failure worth another try.
 * Walks the `cause` chain (fetch wraps socket errors); browsers' fetch gives a bare `TypeError`.
 *
 * @example
 * ```ts
 * isRetryableError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })); // true
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  let networkTypeError = false;
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 5; depth++) {
    if (e instanceof CogError) return false;
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (name === "AbortError" || name === "TimeoutError") return false;
    if (typeof code === "string") return RETRY_CODES.has(code); // e.g. ENOTFOUND is not retried
    networkTypeError ||= e instanceof TypeError && /fetch|network|load failed|terminated/i.test(String(message));
    e = (e as { cause?: unknown }).cause;
  }
  return networkTypeError;
}

/**
 * How a failed try is named in a debug line: the first string `code` along the `cause` chain
 * (`ECONNRESET`, `UND_ERR_SOCKET`), else the error's name (`TypeError`), else `"error"`.
 *
 * @example
 * ```ts
 * failureCode(new TypeError("fetch failed", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) })); // "ECONNRESET"
 * ```
 */
export function failureCode(error: unknown): string {
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 5; depth++) {
    const { code } = e as { code?: unknown };
    if (typeof code === "string" && code !== "") return code;
    e = (e as { cause?: unknown }).cause;
  }
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" && name !== "" ? name : "error";
}

/**
 * Parses `Retry-After` (delay seconds or an HTTP date) into milliseconds from `now`.
 *
 * @example
 * ```ts
 * parseRetryAfter("2"); // 2000
 * parseRetryAfter("soon"); // undefined
 * ```
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Wait before try `tries + 1`: full jitter, `random() * min(retryMaxMs, retryBaseMs * 2^(tries-1))`,
 * or the server's `Retry-After` (429/503 only) capped at `retryMaxMs`.
 *
 * @example
 * ```ts
 * backoffMs(policy, 1); // between 0 and 100 with the defaults
 * backoffMs(policy, 1, 503, "1"); // 1000
 * ```
 */
export function backoffMs(policy: RetryPolicy, tries: number, status?: number, retryAfter?: string, random = Math.random): number {
  const hinted = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  if (hinted !== undefined) return Math.min(hinted, policy.retryMaxMs);
  return random() * Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.min(tries - 1, 30));
}

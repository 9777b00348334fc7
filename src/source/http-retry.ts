import { CogError, throwIfAborted } from "../errors.js";
import { ContentCodingError, contentCodingFailure } from "./http-body.js";
import { httpFailure, httpStatusError, type RangeRequest, type RawRangeResponse } from "./http-response.js";
import { acquireSlot } from "./origin-slots.js";
import { backoffMs, failureCode, isRetryableError, isRetryableStatus } from "./retry-rules.js";

export { backoffMs, failureCode, isRetryableError, isRetryableStatus, parseRetryAfter } from "./retry-rules.js";

/**
 * How one logical HTTP request is sent: {@link HttpTransportOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = { retries: 2, retryBaseMs: 100, retryMaxMs: 2000, timeoutMs: 30_000, maxConcurrency: 16 };
 * ```
 */
export type RetryPolicy = Required<Pick<HttpTransportOptions, "retries" | "retryBaseMs" | "retryMaxMs" | "timeoutMs" | "maxConcurrency">>;

/**
 * Options every HTTP source takes (besides its transport's own). Defaults in brackets.
 *
 * @example
 * ```ts
 * const options: HttpTransportOptions = { retries: 4, timeoutMs: 10_000, maxConcurrency: 8, maxWholeBodyBytes: 256 << 20 };
 * ```
 */
export interface HttpTransportOptions {
  /** Extra request headers (`Range` and `Accept-Encoding` here are replaced). */
  headers?: Record<string, string>;
  /** Retries after the first try on 429/500/502/503/504 and socket errors [2, so 3 tries in total]. */
  retries?: number;
  /** Base of the exponential backoff with full jitter, in ms [100]. */
  retryBaseMs?: number;
  /** Longest wait between tries, `Retry-After` (429/503) included, in ms [2000]. */
  retryMaxMs?: number;
  /** Time limit of each try, headers and body, in ms; 0 for none [30000]. Throws `COG_TIMEOUT`. */
  timeoutMs?: number;
  /** Most requests in flight at once to one origin, shared by all sources of the process [16]. */
  maxConcurrency?: number;
  /**
   * `readRanges` strategy ["auto"]: one multi-range request, falling back to one request per range
   * (and remembering it) when the server refuses; "always" throws on refusal and keeps a whole
   * body up to `maxWholeBodyBytes`; "never" always sends one request per range.
   */
  multiRange?: "auto" | "always" | "never";
  /**
   * Most bytes of a `200` whole body kept when the server ignores `Range` [64 MiB]; a read that
   * asks for more bytes than this allows that many. A longer body is abandoned unread as soon as it
   * passes the cap (at once when `Content-Length` says so) and the read throws `COG_HTTP`
   * ("server ignores Range"). `Infinity` keeps any whole body; `0` keeps none larger than the read.
   *
   * @example
   * ```ts
   * new HttpSource("https://example.com/small.tif", { maxWholeBodyBytes: 256 * 1024 * 1024 });
   * ```
   */
  maxWholeBodyBytes?: number;
  /** Called when a response shows the file changed (ETag / Last-Modified), before `COG_SOURCE_CHANGED` is thrown; errors it throws are ignored. */
  onChange?: () => void;
  /**
   * The ETag the file had when its header was read earlier (header cache, snapshot): a first
   * response with another one is `COG_SOURCE_CHANGED`.
   */
  expectedEtag?: string;
}

/**
 * The policy of {@link HttpTransportOptions} with defaults filled in and bad numbers replaced.
 *
 * @example
 * ```ts
 * resolvePolicy({ retries: 0 }); // { retries: 0, retryBaseMs: 100, retryMaxMs: 2000, timeoutMs: 30000, maxConcurrency: 16 }
 * ```
 */
export function resolvePolicy(options: HttpTransportOptions): RetryPolicy {
  const num = (v: number | undefined, fallback: number, min: number): number =>
    v === undefined || Number.isNaN(v) ? fallback : Math.max(min, v);
  return {
    retries: Math.floor(num(options.retries, 2, 0)),
    retryBaseMs: num(options.retryBaseMs, 100, 0),
    retryMaxMs: num(options.retryMaxMs, 2000, 0),
    timeoutMs: num(options.timeoutMs, 30_000, 0),
    maxConcurrency: Math.floor(num(options.maxConcurrency, 16, 1)),
  };
}

function sleep(ms: number, signal: AbortSignal | undefined, req: RangeRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(httpFailure(req, signal?.reason, signal));
    };
    const timer = setTimeout(() => { signal?.removeEventListener("abort", onAbort); resolve(); }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** One try's signal: fires on the caller's abort or on the timeout, whichever comes first. */
function attemptSignal(caller: AbortSignal | undefined, timeoutMs: number) {
  const ctl = new AbortController();
  let timedOut = false;
  const onAbort = (): void => ctl.abort(caller?.reason);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener("abort", onAbort, { once: true });
  const timer = timeoutMs > 0 && timeoutMs < 2 ** 31
    ? setTimeout(() => { timedOut = true; ctl.abort(new DOMException("request timed out", "TimeoutError")); }, timeoutMs)
    : undefined;
  return {
    signal: ctl.signal,
    timedOut: () => timedOut && !caller?.aborted,
    dispose: () => { clearTimeout(timer); caller?.removeEventListener("abort", onAbort); },
  };
}

/**
 * A final response: status, headers and (for 200/206) the body, plus how many tries it took.
 *
 * @example
 * ```ts
 * const res: FinalResponse = await sendWithRetry({ req, policy, send, signal });
 * ```
 */
export interface FinalResponse extends Pick<RawRangeResponse, "status" | "statusText" | "header"> {
  /** The body for 200/206; empty for a status let through by `passStatus` or a skipped body. */ body: Uint8Array;
  /** Set when the body passed its {@link BodyPlan} limit and the plan said `"skip"`: the body was dropped. */ skipped?: boolean;
  /** Tries it took. */ tries: number;
}

function final(res: RawRangeResponse, body: Uint8Array, tries: number): FinalResponse {
  return { status: res.status, statusText: res.statusText, header: (name) => res.header(name), body, tries };
}

/**
 * How to read one 200/206 body, as {@link RetryCall.check} decides from its status and headers.
 *
 * @example
 * ```ts
 * const plan: BodyPlan = { limit: 16384, tooLong: () => bodyTooLong(req, 206, cap) };
 * ```
 */
export interface BodyPlan {
  /** Most body bytes accepted, after content decoding. */ limit: number;
  /** What a longer body means: `"skip"` returns the response `skipped` (body dropped), else the error to throw. */
  tooLong(): "skip" | CogError;
}

/**
 * What {@link sendWithRetry} needs: the request (for error context), the policy, the transport
 * call, the caller's signal, an optional check of each 200/206 before its body is read (may throw)
 * that caps the body, statuses to hand back instead of throwing, and a hook told what made each
 * retried try fail.
 *
 * @example
 * ```ts
 * const call: RetryCall = { req, policy, signal, send: (sig) => transport(headers, sig) };
 * ```
 */
export interface RetryCall {
  req: RangeRequest;
  policy: RetryPolicy;
  signal?: AbortSignal;
  send(signal: AbortSignal): Promise<RawRangeResponse>;
  check?(res: RawRangeResponse): BodyPlan;
  passStatus?(status: number): boolean;
  /** Called before each retry with what made the try fail: its HTTP status, or an error code ({@link failureCode}). */
  onRetry?(failure: number | string): void;
}

/**
 * Sends one logical request: takes an origin slot per try, cancels a try after `timeoutMs`
 * (`COG_TIMEOUT`, not retried), retries 429/5xx and socket failures with backoff, never retries
 * an abort (`COG_ABORT`) or another status. A body longer than its {@link BodyPlan} limit or in a
 * content coding that cannot be decoded is `COG_HTTP` and not retried. After the last try the
 * error is that try's `COG_HTTP`, its message saying how many tries were made.
 *
 * @example
 * ```ts
 * const res = await sendWithRetry({ req, policy, signal, send: (sig) => transport(headers, sig) });
 * ```
 */
export async function sendWithRetry(call: RetryCall): Promise<FinalResponse> {
  const tries = call.policy.retries + 1;
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOnce(call, attempt, attempt >= tries);
    if ("response" in outcome) return outcome.response;
    call.onRetry?.(outcome.failure);
    await sleep(outcome.wait, call.signal, call.req);
  }
}

/** Reads a 200/206 body under the cap `check` gives; a longer one is dropped (`skipped`) or throws. */
async function readBody(call: RetryCall, res: RawRangeResponse, attempt: number): Promise<FinalResponse> {
  const { req, signal } = call;
  try {
    const plan = call.check?.(res) ?? { limit: Number.POSITIVE_INFINITY, tooLong: () => "skip" };
    const body = await res.body(plan.limit);
    throwIfAborted(signal, { url: req.url, offset: req.offset, length: req.length });
    if (body !== undefined && body.length <= plan.limit) return final(res, body, attempt);
    const over = plan.tooLong();
    if (over !== "skip") throw over;
    await res.discard().catch(() => undefined);
    return { ...final(res, new Uint8Array(0), attempt), skipped: true };
  } catch (e) {
    await res.discard().catch(() => undefined);
    throw e instanceof ContentCodingError ? contentCodingFailure(req, res.status, e) : e;
  }
}

/** One try: a response, or why it failed and how long to wait before the next try; throws when there is none. */
async function tryOnce(
  call: RetryCall, attempt: number, last: boolean,
): Promise<{ response: FinalResponse } | { wait: number; failure: number | string }> {
  const { req, policy, signal } = call;
  const { url, offset, length } = req;
  throwIfAborted(signal, { url, offset, length });
  const release = await acquireSlot(url, policy.maxConcurrency, signal, req);
  const at = attemptSignal(signal, policy.timeoutMs);
  let status: number | undefined;
  try {
    const res = await call.send(at.signal);
    status = res.status;
    if (status === 200 || status === 206) return { response: await readBody(call, res, attempt) };
    await res.discard().catch(() => undefined);
    if (call.passStatus?.(status)) return { response: final(res, new Uint8Array(0), attempt) };
    if (!isRetryableStatus(status) || last) throw httpStatusError(req, status, res.statusText, res.header("content-range"), attempt);
    return { wait: backoffMs(policy, attempt, status, res.header("retry-after")), failure: status };
  } catch (e) {
    if (e instanceof CogError) throw e;
    if (at.timedOut()) {
      throw new CogError("COG_TIMEOUT", `GET ${url} timed out after ${policy.timeoutMs} ms`, { url, offset, length, status }, { cause: e });
    }
    if (signal?.aborted || !isRetryableError(e) || last) throw httpFailure(req, e, signal, status, attempt);
    return { wait: backoffMs(policy, attempt), failure: failureCode(e) };
  } finally {
    at.dispose();
    release();
  }
}

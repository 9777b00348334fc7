import { CogError, throwIfAborted } from "../errors.js";
import { bodyCap, bodyTooLong, DEFAULT_MAX_WHOLE_BODY_BYTES } from "./body-cap.js";
import { readFetchBody } from "./http-body.js";
import {
  assertRangeArgs, checkRangeBody, parseContentRange, rangeHeader, rangeRequestHeaders, sliceWhole, type RangeRequest, type RawRangeResponse,
} from "./http-response.js";
import {
  resolvePolicy, sendWithRetry, type BodyPlan, type FinalResponse, type HttpTransportOptions, type RetryPolicy,
} from "./http-retry.js";
import {
  coalesceRanges, MULTI_REFUSED, multipartBoundary, multiRangeHeader, pickRanges, type BytePart, type ByteRange,
} from "./multipart.js";
import { reportedRequest, tellRequest, type RequestHooks } from "./request-report.js";
import type { ReadOptions, Source } from "./types.js";

/**
 * What a multi-range request accepts besides 200/206: the ranges asked (for the body cap), whether
 * an oversized answer falls back to single reads (else it throws), and statuses that refuse it.
 */
interface MultiCheck { ranges: readonly ByteRange[]; fallback: boolean; passStatus?(status: number): boolean }

/** The value `W/"x"` and `"x"` share: weak and strong ETags compare by value here. */
const validatorValue = (v: string): string => v.trim().replace(/^W\//, "");

/**
 * The engine both HTTP sources share; a subclass only sends requests (`transport`). It keeps
 * `size`, a whole body when the server answered 200, the first response's ETag (or Last-Modified)
 * and whether the server serves multi-range requests; it retries, times out and caps concurrency
 * through {@link sendWithRetry}.
 *
 * @example
 * ```ts
 * class MySource extends HttpRangeSource {
 *   protected override transport(headers: Record<string, string>, signal: AbortSignal) { return send(this.url, headers, signal); }
 * }
 * ```
 */
export abstract class HttpRangeSource implements Source {
  /** The URL read from. */
  readonly url: string;
  readonly #headers: Record<string, string>;
  readonly #policy: RetryPolicy;
  readonly #multiRange: "auto" | "always" | "never";
  readonly #onChange: (() => void) | undefined;
  readonly #maxWholeBodyBytes: number;
  #size: number | undefined;
  #whole: Uint8Array | undefined;
  #etag: string | undefined;
  #validator: { kind: "ETag" | "Last-Modified"; value: string } | undefined;
  #multiRangeRefused = false;

  constructor(url: string, options: HttpTransportOptions) {
    this.url = url;
    this.#headers = { ...options.headers };
    this.#policy = resolvePolicy(options);
    this.#multiRange = options.multiRange ?? "auto";
    this.#onChange = options.onChange;
    const maxWhole = options.maxWholeBodyBytes;
    this.#maxWholeBodyBytes = maxWhole === undefined || Number.isNaN(maxWhole) ? DEFAULT_MAX_WHOLE_BODY_BYTES : Math.max(0, Math.floor(maxWhole));
    if (options.expectedEtag !== undefined) {
      this.#etag = options.expectedEtag;
      this.#validator = { kind: "ETag", value: options.expectedEtag };
    }
  }

  /** Sends one GET with these headers; must cancel the request when `signal` fires. */
  protected abstract transport(headers: Record<string, string>, signal: AbortSignal): Promise<RawRangeResponse>;

  /**
   * Size of the file in bytes, once a response has told it.
   *
   * @example
   * ```ts
   * await source.read(0, 8);
   * source.size; // e.g. 1048576
   * ```
   */
  get size(): number | undefined {
    return this.#size;
  }

  /**
   * The ETag of the first response (as sent, weak or strong), once known; a changed file
   * replaces it after throwing `COG_SOURCE_CHANGED`.
   *
   * @example
   * ```ts
   * await source.read(0, 8);
   * source.etag; // e.g. '"5d8c72a5edda8d6a"'
   * ```
   */
  get etag(): string | undefined {
    return this.#etag;
  }

  /**
   * Reads `length` bytes at `offset`; fewer only when the range passes the end of the file. A
   * `200` answer (server ignoring `Range`) is kept whole up to `maxWholeBodyBytes`, else `COG_HTTP`.
   * `options.onRequest` is told the request sent (status, bytes, retries), or `sent: false` when
   * the bytes came from a whole body kept in memory.
   *
   * @example
   * ```ts
   * const ctl = new AbortController();
   * const bytes = await source.read(1024, 512, { signal: ctl.signal });
   * ```
   */
  async read(offset: number, length: number, options: ReadOptions = {}): Promise<Uint8Array> {
    const { signal, onRequest } = options;
    assertRangeArgs(this.url, offset, length);
    throwIfAborted(signal, { url: this.url, offset, length });
    const want = this.#whole ? 0 : this.#clamp(offset, length);
    if (want === 0) {
      tellRequest(onRequest, { ranges: [[offset, length]], bytes: 0, retried: [], sent: false });
      return this.#whole ? sliceWhole(this.#whole, offset, length) : new Uint8Array(0);
    }
    const req: RangeRequest = { url: this.url, offset, length: want };
    const result = await reportedRequest({ ranges: [[offset, want]], onRequest }, (hooks) => this.#send(req, signal, undefined, hooks), (res) =>
      checkRangeBody(req, res.status, res.header("content-range"), res.body));
    this.#learn(result.size, result.whole);
    return result.bytes;
  }

  /**
   * Reads several `[offset, length]` ranges with ONE request (`Range: bytes=a-b,c-d`) answered by
   * `206 multipart/byteranges`, a 206 covering them all, or a 200 whole body. Overlapping or
   * touching ranges are merged in the request. When the server refuses (400/416/501), answers only
   * some ranges, or sends a whole file larger than twice the bytes asked plus 1 MiB (S3 and GCS
   * do; that body is dropped unread) or a multipart body longer than the ranges plus 1 KiB a part,
   * the ranges are read one request each, in parallel, and later calls skip multi-range
   * (`multiRange: "auto"`; "always" throws `COG_HTTP` instead). Results come in the order asked.
   * `options.onRequest` is told every request sent: the multi-range one and each fallback.
   *
   * @example
   * ```ts
   * const [a, b] = await source.readRanges([[0, 16384], [1_048_576, 65536]], { signal });
   * ```
   */
  async readRanges(ranges: ReadonlyArray<ByteRange>, options: ReadOptions = {}): Promise<Uint8Array[]> {
    for (const [offset, length] of ranges) assertRangeArgs(this.url, offset, length);
    throwIfAborted(options.signal, { url: this.url });
    const each: ReadOptions = { signal: options.signal, onRequest: options.onRequest };
    const plan = coalesceRanges(ranges.map(([offset, length]): ByteRange => [offset, this.#clamp(offset, length)]));
    const single = this.#multiRange === "never" || (this.#multiRange === "auto" && this.#multiRangeRefused);
    if (this.#whole || plan.length === 0 || (single && plan.length > 1)) return this.#fill(ranges, [], each);
    if (plan.length === 1) {
      const [offset, length] = plan[0]!;
      return this.#fill(ranges, [{ start: offset, bytes: await this.read(offset, length, each) }], each);
    }
    const last = plan[plan.length - 1]!;
    const req: RangeRequest = { url: this.url, offset: plan[0]![0], length: last[0] + last[1] - plan[0]![0], range: multiRangeHeader(plan) };
    const strict = this.#multiRange === "always";
    const multi: MultiCheck = { ranges: plan, fallback: !strict, passStatus: strict ? undefined : (status) => MULTI_REFUSED.has(status) };
    const sent = plan.map(([o, n]): [number, number] => [o, n]);
    const answer = await reportedRequest({ ranges: sent, onRequest: each.onRequest }, (hooks) => this.#send(req, each.signal, multi, hooks), (res) =>
      res.skipped ? undefined : import("./multi-range-answer.js").then(({ multiRangeParts }) => multiRangeParts(req, plan, {
        status: res.status, body: res.body, contentType: res.header("content-type"), contentRange: res.header("content-range"),
      }, { parseContentRange, checkRangeBody, multipartBoundary })));
    if (answer === undefined) { // a whole file too big to be worth it, or a bloated multipart body: dropped
      this.#multiRangeRefused = true;
      return this.#fill(ranges, [], each);
    }
    this.#learn(answer.size, answer.whole);
    if (answer.refused) this.#multiRangeRefused = true;
    return this.#fill(ranges, answer.parts, each, () => { this.#multiRangeRefused = !strict; });
  }

  /**
   * Does nothing: connections belong to the shared agent or to `fetch`.
   *
   * @example
   * ```ts
   * await source.close();
   * ```
   */
  async close(): Promise<void> {}

  /** Each range from `parts`, or read on its own (in parallel) when no part holds it. */
  async #fill(ranges: ReadonlyArray<ByteRange>, parts: BytePart[], options: ReadOptions, onMissing?: () => void): Promise<Uint8Array[]> {
    const picked = pickRanges(ranges, parts, this.#size);
    if (parts.length > 0 && picked.includes(undefined)) onMissing?.();
    return Promise.all(picked.map((bytes, i) => bytes ?? this.read(ranges[i]![0], ranges[i]![1], options)));
  }

  #clamp(offset: number, length: number): number {
    return this.#size === undefined ? length : Math.max(0, Math.min(length, this.#size - offset));
  }

  #learn(size: number | undefined, whole?: Uint8Array): void {
    if (size !== undefined) this.#size = size;
    if (whole) this.#whole = whole;
  }

  #send(req: RangeRequest, signal: AbortSignal | undefined, multi: MultiCheck | undefined, hooks: RequestHooks): Promise<FinalResponse> {
    const headers = rangeRequestHeaders(this.#headers, req.offset, req.length);
    headers.range = req.range ?? rangeHeader(req.offset, req.length);
    return sendWithRetry({
      req, policy: this.#policy, signal, passStatus: multi?.passStatus, onRetry: hooks.onRetry,
      send: (sig) => { hooks.onSend(); return this.transport(headers, sig); },
      check: (res) => {
        this.#checkValidator(req, res);
        return this.#bodyPlan(req, res, multi);
      },
    });
  }

  /** The cap on a 200/206 body ({@link bodyCap}) and what passing it means. */
  #bodyPlan(req: RangeRequest, res: RawRangeResponse, multi: MultiCheck | undefined): BodyPlan {
    const contentRange = res.header("content-range");
    const cap = bodyCap({
      req, status: res.status, contentRange, contentType: res.header("content-type"), maxWholeBodyBytes: this.#maxWholeBodyBytes, multi,
    });
    return { limit: cap.limit, tooLong: () => (cap.fallback ? "skip" : bodyTooLong(req, res.status, cap, contentRange)) };
  }

  /** Remembers the first ETag (else Last-Modified); a different one later means the file changed. */
  #checkValidator(req: RangeRequest, res: RawRangeResponse): void {
    const etag = res.header("etag");
    const modified = res.header("last-modified");
    const known = this.#validator;
    if (!known) {
      this.#etag = etag;
      this.#validator = etag ? { kind: "ETag", value: etag } : modified ? { kind: "Last-Modified", value: modified } : undefined;
      return;
    }
    const now = known.kind === "ETag" ? etag : modified;
    if (now === undefined || validatorValue(now) === validatorValue(known.value)) return;
    this.#validator = { kind: known.kind, value: now };
    this.#etag = etag;
    this.#size = this.#whole = undefined;
    try {
      this.#onChange?.();
    } catch {
      // the callback's own failure must not hide the change
    }
    const { url, offset, length } = req;
    throw new CogError("COG_SOURCE_CHANGED", `GET ${url}: file changed since the first read (${known.kind} ${known.value} -> ${now})`, {
      url, offset, length, status: res.status,
    });
  }
}

/**
 * Options of {@link FetchSource}: the shared HTTP options plus the `fetch` to use.
 *
 * @example
 * ```ts
 * const options: FetchSourceOptions = { headers: { authorization: `Bearer ${token}` }, retries: 4 };
 * ```
 */
export interface FetchSourceOptions extends HttpTransportOptions {
  /** `fetch` implementation to use instead of `globalThis.fetch` (looked up at each read). */
  fetch?: typeof fetch;
}

/**
 * Reads byte ranges of a URL with the standard `fetch` (browsers, edge runtimes, Deno, Bun, Node).
 * Same behaviour as {@link HttpSource}: exact `Range` headers, never `HEAD`, `size` learned from the
 * first 206 `Content-Range`, a 200 whole body kept and served from memory afterwards; retries,
 * timeouts, ETag checks, multi-range reads and the per-origin cap of {@link HttpTransportOptions}.
 *
 * In browsers a cross-origin server must list `Content-Range` and `ETag` in
 * `Access-Control-Expose-Headers` for `size` and ETag checks (Last-Modified is used otherwise), and
 * allow the `Range` header in preflight for multi-range reads.
 *
 * @example
 * ```ts
 * const source = new FetchSource("https://example.com/dem.tif");
 * const header = await source.read(0, 16384);
 * ```
 */
export class FetchSource extends HttpRangeSource {
  readonly #fetch: typeof fetch | undefined;

  /**
   * @example
   * ```ts
   * const source = new FetchSource("https://example.com/a.tif", { headers: { "x-api-key": key } });
   * ```
   */
  constructor(url: string, options: FetchSourceOptions = {}) {
    super(url, options);
    this.#fetch = options.fetch;
  }

  protected override async transport(headers: Record<string, string>, signal: AbortSignal): Promise<RawRangeResponse> {
    const fetchImpl = this.#fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new CogError("COG_USAGE", "no global fetch in this runtime; pass options.fetch", { url: this.url });
    }
    const res = await fetchImpl(this.url, { method: "GET", headers, redirect: "follow", signal });
    return {
      status: res.status,
      statusText: res.statusText,
      header: (name) => res.headers.get(name) ?? undefined,
      body: (limit) => readFetchBody(res, limit),
      discard: async () => {
        if (res.body && !res.bodyUsed) await res.body.cancel();
      },
    };
  }
}

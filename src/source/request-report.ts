import { isCogError } from "../errors.js";
import { failureCode, type FinalResponse } from "./http-retry.js";
import type { ReadOptions, RequestReport } from "./types.js";

/**
 * Tells `onRequest` (when given) about a request. A throwing callback is ignored: the caller's
 * bookkeeping must not fail the read.
 *
 * @example
 * ```ts
 * tellRequest(options.onRequest, { ranges: [[0, 10]], bytes: 0, retried: [], sent: false });
 * ```
 */
export function tellRequest(onRequest: ReadOptions["onRequest"], report: RequestReport): void {
  try {
    onRequest?.(report);
  } catch {
    // not the read's business
  }
}

/**
 * What {@link reportedRequest} hands to the sending function: hooks for each retry and each try.
 *
 * @example
 * ```ts
 * const send = (hooks: RequestHooks) => sendWithRetry({ req, policy, onRetry: hooks.onRetry, send: (s) => { hooks.onSend(); return go(s); } });
 * ```
 */
export interface RequestHooks {
  /** A try failed and will be retried: its status or error code. */
  onRetry(failure: number | string): void;
  /** A try is being sent over the wire. */
  onSend(): void;
}

/**
 * Sends one request through `send`, hands the answer to `use` (which may throw), and tells
 * `onRequest` how it went either way: status, body bytes, failed tries, time, error code, and
 * `sent: false` when it failed before anything went out (aborted while waiting for a slot).
 *
 * @example
 * ```ts
 * const bytes = await reportedRequest({ ranges: [[0, 10]], onRequest }, (hooks) => sendWith(hooks), (res) => res.body);
 * ```
 */
export async function reportedRequest<T>(
  opts: { ranges: Array<[number, number]>; onRequest?: ReadOptions["onRequest"] },
  send: (hooks: RequestHooks) => Promise<FinalResponse>,
  use: (res: FinalResponse) => T | Promise<T>,
): Promise<T> {
  if (opts.onRequest === undefined) return use(await send({ onRetry: () => undefined, onSend: () => undefined }));
  const started = Date.now();
  const retried: Array<number | string> = [];
  let sent = false;
  let res: FinalResponse | undefined;
  const report = (extra: Partial<RequestReport>) => tellRequest(opts.onRequest, {
    ranges: opts.ranges, status: res?.status, bytes: res?.body.byteLength ?? 0, retried, ms: Date.now() - started, ...extra,
  });
  try {
    res = await send({ onRetry: (failure) => retried.push(failure), onSend: () => { sent = true; } });
    const out = await use(res);
    report({});
    return out;
  } catch (e) {
    const status = res?.status ?? (isCogError(e) ? e.context.status : undefined);
    report({ status, error: failureCode(e), ...(sent ? {} : { sent: false }) });
    throw e;
  }
}

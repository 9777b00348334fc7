/**
 * Secrets kept out of logs and error messages: a URL's query string (a presigned URL's
 * signature, a token) and its `user:password@`.
 */

/**
 * A URL fit for a log: the query string (which may carry a signature or token) becomes `?…`,
 * a fragment is dropped and `user:password@` becomes `…@`. Plain paths are left as they are.
 *
 * @example
 * ```ts
 * redactUrl("https://h/f.tif?X-Amz-Signature=abc"); // "https://h/f.tif?…"
 * ```
 */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^?#]*)(\?[^#]*)?(#.*)?$/is.exec(url);
  if (m === null) return url;
  return `${m[1]}${m[2] ? "…@" : ""}${m[3]}${m[4] ? "?…" : ""}`;
}

/**
 * `text` with every URL in it passed through {@link redactUrl}.
 *
 * @example
 * ```ts
 * redactUrlsIn("GET https://h/f.tif?sig=abc -> 403"); // "GET https://h/f.tif?… -> 403"
 * ```
 */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => {
    // Punctuation closing a sentence or a bracket is not part of the URL.
    const tail = /[).,;:]+$/.exec(url)?.[0] ?? "";
    return redactUrl(url.slice(0, url.length - tail.length)) + tail;
  });
}

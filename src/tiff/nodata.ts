/**
 * Parses the GDAL_NODATA tag (42113): ASCII text such as `0`, `-9999`, `nan`, `-inf`,
 * `-3.4028234663852886e+38`. Returns undefined for empty or unparsable text.
 *
 * @example
 * ```ts
 * parseNodata("nan"); // NaN
 * ```
 */
export function parseNodata(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === "") return undefined;
  if (t === "nan" || t === "-nan") return Number.NaN;
  if (t === "inf" || t === "+inf" || t === "infinity") return Number.POSITIVE_INFINITY;
  if (t === "-inf" || t === "-infinity") return Number.NEGATIVE_INFINITY;
  const v = Number(t);
  return Number.isNaN(v) ? parseLeadingNumber(t) : v;
}

/** Like C's strtod: the longest numeric prefix, as GDAL's CPLAtof reads it. */
function parseLeadingNumber(t: string): number | undefined {
  const m = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/.exec(t);
  return m === null ? undefined : Number(m[0]);
}

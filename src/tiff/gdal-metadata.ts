/**
 * Per-band facts from GDAL's metadata (TIFFTAG 42112, GDAL_METADATA).
 *
 * @example
 * ```ts
 * cog.metadata.bands[0]?.scale; // 0.01
 * ```
 */
export interface BandMetadata {
  description?: string;
  scale?: number;
  offset?: number;
  unitType?: string;
  /** STATISTICS_MINIMUM, STATISTICS_MAXIMUM, STATISTICS_MEAN, STATISTICS_STDDEV… as numbers. */
  statistics: Record<string, number>;
  /** Every other item of the band. */
  items: Record<string, string>;
}

/**
 * The GDAL_METADATA XML, parsed: dataset items (by domain) and per-band items.
 *
 * @example
 * ```ts
 * cog.metadata.dataset[""]?.AREA_OR_POINT; // "Area"
 * ```
 */
export interface GdalMetadata {
  /** Dataset items keyed by domain ("" is the default domain). */
  dataset: Record<string, Record<string, string>>;
  /** Band items, index 0 = band 1. */
  bands: BandMetadata[];
}

const ITEM = /<Item\s+([^>]*?)\s*(?:\/>|>([\s\S]*?)<\/Item>)/g;
const ATTR = /(\w+)="([^"]*)"/g;

/**
 * Parses GDAL's `<GDALMetadata><Item name=".." sample=".." role="..">..</Item></GDALMetadata>`.
 *
 * @example
 * ```ts
 * parseGdalMetadata('<GDALMetadata><Item name="SCALE" sample="0" role="scale">2</Item></GDALMetadata>')
 *   .bands[0].scale; // 2
 * ```
 */
export function parseGdalMetadata(xml: string | undefined): GdalMetadata {
  const out: GdalMetadata = { dataset: {}, bands: [] };
  if (xml === undefined) return out;
  for (const m of xml.matchAll(ITEM)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(ATTR)) attrs[a[1]] = unescapeXml(a[2]);
    const value = unescapeXml(m[2] ?? "");
    const name = attrs.name ?? "";
    if (attrs.sample === undefined) {
      const domain = attrs.domain ?? "";
      (out.dataset[domain] ??= {})[name] = value;
      continue;
    }
    const index = Number(attrs.sample);
    if (!Number.isInteger(index) || index < 0 || index > 65535) continue;
    const band = (out.bands[index] ??= { statistics: {}, items: {} });
    applyBandItem(band, name, attrs.role, value);
  }
  for (let i = 0; i < out.bands.length; i++) out.bands[i] ??= { statistics: {}, items: {} };
  return out;
}

function applyBandItem(band: BandMetadata, name: string, role: string | undefined, value: string): void {
  if (role === "description") band.description = value;
  else if (role === "scale") band.scale = Number(value);
  else if (role === "offset") band.offset = Number(value);
  else if (role === "unittype") band.unitType = value;
  else if (name.startsWith("STATISTICS_") && value.trim() !== "" && !Number.isNaN(Number(value))) {
    band.statistics[name] = Number(value);
  } else band.items[name] = value;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&amp;/g, "&");
}

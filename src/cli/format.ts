import type { InfoReport, LevelReport } from "./info.js";

/**
 * Renders an {@link InfoReport} as the human-readable text of `cogread info`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatInfo(await infoReport(cog)));
 * ```
 */
export function formatInfo(r: InfoReport): string {
  const p = r.profile;
  const lines: string[] = [];
  lines.push(`file: ${r.file}${r.fileSize !== null ? ` (${bytes(r.fileSize)})` : ""}`);
  lines.push(`format: ${r.bigTiff ? "BigTIFF" : "TIFF"}, ${r.byteOrder}`);
  lines.push(`size: ${p.width} x ${p.height}, ${p.count} band${p.count === 1 ? "" : "s"}, ${p.dtype}${p.nbits ? ` (${p.nbits}-bit)` : ""}`);
  lines.push(`blocks: ${p.blockxsize} x ${p.blockysize} ${p.tiled ? "tiles" : "strips"}, interleave ${p.interleave}, photometric ${p.photometric}`);
  lines.push(`compression: ${r.compression}, predictor ${r.predictor}`);
  lines.push(`nodata: ${r.nodata ?? "none"}, internal mask: ${yes(r.internalMask)}, alpha: ${yes(r.alpha)}`);
  lines.push(`crs: ${r.crs.epsg !== null ? `EPSG:${r.crs.epsg}` : "none"}${r.crs.name ? ` (${r.crs.name})` : ""}`);
  if (r.crs.proj4) lines.push(`proj4: ${r.crs.proj4}`);
  if (r.origin && r.resolution && r.bounds) {
    lines.push(`origin: ${r.origin.join(", ")}`);
    lines.push(`resolution: ${r.resolution.join(", ")}`);
    lines.push(`bounds: ${r.bounds.join(", ")}`);
  } else if (r.gcps > 0) lines.push(`georeferencing: ${r.gcps} GCPs`);
  else lines.push("georeferencing: none");
  lines.push(`header: ${bytes(r.headerSize)} read at open`);
  lines.push("", "IFDs:", levelTable(r.ifds));
  if (r.maskIfds.length > 0) lines.push("", "mask IFDs:", levelTable(r.maskIfds));
  lines.push("", `COG layout: ${r.cog.valid ? "valid" : "invalid"}${r.cog.ghost ? `, ghost area ${ghost(r.cog.ghost)}` : ""}`);
  for (const e of r.cog.errors) lines.push(`  error: ${e}`);
  for (const w of r.cog.warnings) lines.push(`  warning: ${w}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push("", `requests: ${r.requests.count}, bytes: ${r.requests.bytes}`);
  return `${lines.join("\n")}\n`;
}

function levelTable(levels: LevelReport[]): string {
  const head = ["level", "ifd", "size", "block", "tiles", "min bytes", "max bytes", "mean bytes", "empty"];
  const rows = levels.map((l) => [
    String(l.level),
    String(l.ifd),
    `${l.width}x${l.height}`,
    `${l.tileWidth}x${l.tileHeight}`,
    String(l.tiles),
    String(l.tileBytes.min),
    String(l.tileBytes.max),
    l.tileBytes.mean.toFixed(0),
    String(l.tileBytes.empty),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => `  ${r.map((c, i) => c.padStart(widths[i])).join("  ")}`).join("\n");
}

function ghost(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

function yes(b: boolean): string {
  return b ? "yes" : "no";
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${n} B, ${(n / 1024).toFixed(1)} KiB`;
  return `${n} B, ${(n / 1024 / 1024).toFixed(1)} MiB`;
}

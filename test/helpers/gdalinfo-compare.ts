import type { InfoReport } from "../../src/cli/info.js";
import { GDAL_TYPE, wktEpsg } from "./corpus.js";

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Compares our info report with gdalinfo; returns the disagreements. */
export function disagreements(r: InfoReport, g: any): string[] {
  const out: string[] = [];
  const check = (what: string, ok: boolean, ours: unknown, theirs: unknown) => {
    if (!ok) out.push(`${what}: ours ${JSON.stringify(ours)}, gdal ${JSON.stringify(theirs)}`);
  };
  const main = r.ifds[0];
  check("size", main.width === g.size[0] && main.height === g.size[1], [main.width, main.height], g.size);
  check("bands", r.profile.count === g.bands.length, r.profile.count, g.bands.length);
  const band = g.bands[0];
  check("dtype", GDAL_TYPE[main.dtype]?.includes(band.type) ?? false, main.dtype, band.type);
  check("block", main.tileWidth === band.block[0] && main.tileHeight === band.block[1], [main.tileWidth, main.tileHeight], band.block);
  const ovr = (band.overviews ?? []).map((o: any) => o.size);
  const ours = r.ifds.slice(1).map((l) => [l.width, l.height]);
  check("overviews", JSON.stringify(ours) === JSON.stringify(ovr), ours, ovr);
  const gt = g.geoTransform as number[] | undefined;
  check("geoTransform", gt === undefined ? r.geoTransform === null : r.geoTransform !== null && gt.every((v, i) => close(v, r.geoTransform![i])), r.geoTransform, gt);
  const epsg = wktEpsg(g.coordinateSystem?.wkt);
  if (epsg !== undefined) check("epsg", r.crs.epsg === epsg, r.crs.epsg, epsg);
  const nd = band.noDataValue;
  // gdalinfo prints a Float32 band's nodata with float32 precision (%.9g).
  const sameNodata = (a: number, b: number) => close(a, b) || (band.type === "Float32" && Math.fround(a) === Math.fround(b));
  const ndOk = nd === undefined ? r.nodata === null : nd === "NaN" ? r.nodata === "NaN" : typeof r.nodata === "number" && sameNodata(r.nodata, Number(nd));
  check("nodata", ndOk, r.nodata, nd);
  const structure = g.metadata?.IMAGE_STRUCTURE ?? {};
  if (structure.COMPRESSION !== undefined) {
    const theirs = String(structure.COMPRESSION).toLowerCase().replace("ycbcr jpeg", "jpeg");
    check("compression", main.compression === theirs, main.compression, structure.COMPRESSION);
  }
  if (structure.PREDICTOR !== undefined) check("predictor", main.predictor === Number(structure.PREDICTOR), main.predictor, structure.PREDICTOR);
  if (structure.INTERLEAVE !== undefined && r.profile.count > 1) {
    check("interleave", r.profile.interleave === String(structure.INTERLEAVE).toLowerCase(), r.profile.interleave, structure.INTERLEAVE);
  }
  return out;
}

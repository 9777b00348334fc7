// The GeoKey parser and the CRS interpretation with its EPSG tables: one chunk that
// readTiffDataset imports only for a file with a GeoKeyDirectory (README, "Bundle sizes").
export { crsFromGeoKeys } from "./crs.js";
export { parseGeoKeys } from "./geokeys.js";

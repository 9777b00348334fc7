// Where a MosaicJSON asset is read from. cogeo-mosaic takes a relative path against the working
// directory; cogread takes it against the document, as GDAL's VRT does with relativeToVRT, so
// that a folder with its mosaic.json can be served or moved from anywhere.

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const ABSOLUTE_PATH = /^(?:\/|\\|[a-z]:[\\/])/i;

/**
 * The location of `asset` (a path or URL as the document lists it, `asset_prefix` already
 * applied) for a document read from `documentUrl`: an asset with a scheme (`https://`, `s3://`,
 * `file://`…) or an absolute path is used as it is; a relative one is taken against the folder of
 * the document (a path or URL). A document given as an object or bytes has no location: its
 * relative assets stay relative to the working directory.
 *
 * @example
 * ```ts
 * resolveAsset("tiles/a.tif", "/data/mosaic.json"); // "/data/tiles/a.tif"
 * resolveAsset("a.tif", "https://example.com/m/mosaic.json.gz"); // "https://example.com/m/a.tif"
 * resolveAsset("https://example.com/b.tif", "/data/mosaic.json"); // unchanged
 * ```
 */
export function resolveAsset(asset: string, documentUrl: string | undefined): string {
  if (documentUrl === undefined || SCHEME.test(asset) || ABSOLUTE_PATH.test(asset)) return asset;
  if (/^https?:\/\//i.test(documentUrl)) return new URL(asset, documentUrl).href;
  const cut = Math.max(documentUrl.lastIndexOf("/"), documentUrl.lastIndexOf("\\"));
  if (cut < 0) return asset; // a document in the working directory
  const folder = documentUrl.slice(0, cut + 1);
  // file:// and bucket URLs keep the asset's characters as written (new URL would percent-encode them).
  return folder + asset.replace(/^\.\//, "");
}

#!/bin/sh
# Makes the test COGs of bench/peers-http.ts and bench/warp.ts with GDAL (gdal_translate, COG driver).
# Usage: sh bench/cogs/make.sh [out-dir]   (default /tmp/cogread-bench-cogs)
# The files are not committed: about 10–40 MB in all, rebuilt in a few seconds.
set -eu
OUT="${1:-/tmp/cogread-bench-cogs}"
mkdir -p "$OUT"
command -v gdal_translate >/dev/null 2>&1 || { echo "gdal_translate not found: apt-get install gdal-bin" >&2; exit 1; }

TMP="$OUT/.src"
mkdir -p "$TMP"
# A deterministic, compressible but not trivial 4096x4096 source: a smooth ramp plus a checker
# pattern plus noise (3 bands uint8 and 1 band float32), written by /usr/bin/python3 with
# numpy and osgeo (Debian: python3-gdal, python3-numpy).
/usr/bin/python3 - "$TMP" <<'PY'
import sys
import numpy as np
from osgeo import gdal
out = sys.argv[1]
n = 4096
y, x = np.mgrid[0:n, 0:n].astype(np.float32)
rng = np.random.default_rng(42)
noise = rng.normal(0, 6, (n, n)).astype(np.float32)
r = (x / n * 200 + 20 * np.sin(y / 37.0) + noise)
g = (y / n * 200 + 20 * np.cos(x / 53.0) + noise)
b = (((x // 64 + y // 64) % 2) * 120 + 60 + noise)
drv = gdal.GetDriverByName("GTiff")
# The RGB pixels in UTM 33N, and the same pixels in EPSG:3857 (10 m pixels near 10°E 50°N, off the
# tile grid): a map tile of the second is a separable warp (tile()'s one-row-of-x path).
for name, origin, crs in (("rgb", (500000, 4000000), "EPSG:32633"), ("rgb_3857", (1113198.2079327357, 6446274.141017158), "EPSG:3857")):
    ds = drv.Create(f"{out}/{name}.tif", n, n, 3, gdal.GDT_Byte)
    ds.SetGeoTransform([origin[0], 10, 0, origin[1], 0, -10])
    ds.SetProjection(crs)
    for i, a in enumerate((r, g, b)):
        ds.GetRasterBand(i + 1).WriteArray(np.clip(a, 0, 255).astype(np.uint8))
    ds = None
ds = drv.Create(f"{out}/f32.tif", n, n, 1, gdal.GDT_Float32)
ds.SetGeoTransform([500000, 10, 0, 4000000, 0, -10])
ds.SetProjection("EPSG:32633")
ds.GetRasterBand(1).WriteArray(1000 + 300 * np.sin(x / 300.0) * np.cos(y / 400.0) + noise / 10)
ds = None
PY

gdal_translate -q -of COG -co COMPRESS=JPEG -co QUALITY=85 -co BLOCKSIZE=512 -co OVERVIEWS=AUTO \
  "$TMP/rgb.tif" "$OUT/rgb_jpeg_512.tif"
# 16x16 = 256 full-resolution tiles: bench/warp.ts draws random tiles from a grid of at least 256.
gdal_translate -q -of COG -co COMPRESS=JPEG -co QUALITY=85 -co BLOCKSIZE=256 -co OVERVIEWS=AUTO \
  "$TMP/rgb.tif" "$OUT/rgb_jpeg_256.tif"
gdal_translate -q -of COG -co COMPRESS=JPEG -co QUALITY=85 -co BLOCKSIZE=256 -co OVERVIEWS=AUTO \
  "$TMP/rgb_3857.tif" "$OUT/rgb_jpeg_256_3857.tif"
gdal_translate -q -of COG -b 1 -co COMPRESS=DEFLATE -co BLOCKSIZE=256 -co OVERVIEWS=AUTO \
  "$TMP/rgb.tif" "$OUT/gray_deflate_256.tif"
gdal_translate -q -of COG -co COMPRESS=DEFLATE -co PREDICTOR=FLOATING_POINT -co BLOCKSIZE=512 -co OVERVIEWS=NONE \
  "$TMP/f32.tif" "$OUT/f32_deflate_p3_512.tif"
rm -rf "$TMP"
ls -l "$OUT"

#!/usr/bin/env python3
"""GDAL side of bench/warp.ts: times gdal.Warp (map tiles) and gdal.Translate (windows) on a
local COG with a warm GDAL block cache, through python3-gdal (osgeo).

Jobs come from a JSON file written by bench/warp.ts:
    {"size": 256,
     "warp":      [[minx, miny, maxx, maxy], ...],   # map tiles, EPSG:3857 bounds
     "translate": [[minx, miny, maxx, maxy], ...]}   # windows in the file's own CRS

Each warp job is
    gdal.Warp('', ds, format='MEM', outputBounds=b, width=size, height=size,
              dstSRS='EPSG:3857', resampleAlg=m, multithread=False)
and each translate job (cogread's read(), which follows gdal_translate -projwin -outsize -r) is
    gdal.Translate('', ds, format='MEM', projWin=[minx, maxy, maxx, miny],
                   width=size, height=size, resampleAlg=m)
followed by ReadRaster() of the result (cogread returns the pixels, so GDAL hands them over too).
The option objects are built before timing, so the figures hold no Python argument parsing.

Usage:
    python3 bench/gdalwarp_tiles.py --file F.tif --jobs jobs.json [--methods nearest,bilinear,cubic]
        [--runs 5] [--dump DIR] [--serve]

Before timing, every job runs once per method (unmeasured): that fills GDAL's block cache
(GDAL_CACHEMAX 1 GiB), so the timed passes decode nothing. --dump DIR writes the pixels of that
pass to DIR/<op>-<method>.bin (jobs one after another, band-sequential) for bench/warp.ts to
compare with cogread.

Without --serve it prints one JSON object: ms per job of every run, per op and method. With
--serve (what bench/warp.ts uses, so that GDAL's runs interleave with the other libraries') it
prints {"ready": ...} after the warm pass, then reads one command a line from stdin,
{"op": "warp"|"translate", "method": m}, and answers each with one JSON line
{"op", "method", "msPerJob"} after one timed pass over that op's jobs. EOF ends it.
"""
import argparse
import json
import os
import sys
import time

from osgeo import gdal

ALG = {"nearest": "near", "bilinear": "bilinear", "cubic": "cubic", "cubicspline": "cubicspline",
       "lanczos": "lanczos", "average": "average", "mode": "mode"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--jobs", required=True)
    ap.add_argument("--methods", default="nearest,bilinear,cubic")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dump")
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--cache-mb", type=int, default=1024)
    ap.add_argument("--min-pass-ms", type=float, default=50,
                    help="each timed pass repeats its jobs until it has lasted this long")
    args = ap.parse_args()

    gdal.UseExceptions()
    gdal.SetCacheMax(args.cache_mb * 1024 * 1024)
    gdal.SetConfigOption("GDAL_NUM_THREADS", "1")
    with open(args.jobs) as f:
        jobs = json.load(f)
    size = jobs.get("size", 256)
    methods = args.methods.split(",")
    ds = gdal.Open(args.file)

    # Option objects per (op, method, job), built once.
    opts = {}
    for m in methods:
        opts[("warp", m)] = [
            gdal.WarpOptions(format="MEM", outputBounds=b, width=size, height=size, dstSRS="EPSG:3857",
                             resampleAlg=ALG[m], multithread=False)
            for b in jobs.get("warp", [])
        ]
        opts[("translate", m)] = [
            gdal.TranslateOptions(format="MEM", projWin=[b[0], b[3], b[2], b[1]], width=size, height=size,
                                  resampleAlg=ALG[m])
            for b in jobs.get("translate", [])
        ]

    def run_one(op, o):
        out = gdal.Warp("", ds, options=o) if op == "warp" else gdal.Translate("", ds, options=o)
        data = out.ReadRaster()
        out = None
        return data

    def timed_pass(op, m):
        ol = opts[(op, m)]
        if not ol:
            return None
        t0 = time.perf_counter()
        jobs = 0
        while True:
            for o in ol:
                run_one(op, o)
            jobs += len(ol)
            elapsed = (time.perf_counter() - t0) * 1000
            if elapsed >= args.min_pass_ms:
                return elapsed / jobs

    # Warm pass: fills the block cache; optionally dumps the pixels.
    t0 = time.perf_counter()
    for (op, m), ol in opts.items():
        chunks = [run_one(op, o) for o in ol]
        if args.dump and ol:
            os.makedirs(args.dump, exist_ok=True)
            with open(os.path.join(args.dump, f"{op}-{m}.bin"), "wb") as f:
                for c in chunks:
                    f.write(c)
    warm_ms = (time.perf_counter() - t0) * 1000
    info = {"gdal": gdal.__version__, "warmMs": warm_ms, "cacheMaxBytes": gdal.GetCacheMax(),
            "dtype": gdal.GetDataTypeName(ds.GetRasterBand(1).DataType), "bands": ds.RasterCount}

    if args.serve:
        print(json.dumps({"ready": True, **info}), flush=True)
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            cmd = json.loads(line)
            ms = timed_pass(cmd["op"], cmd["method"])
            print(json.dumps({"op": cmd["op"], "method": cmd["method"], "msPerJob": ms}), flush=True)
        return

    results = {}
    keys = [k for k, ol in opts.items() if ol]
    for k in range(args.runs):
        # Interleaved: run k goes over every (op, method) in an order rotated by k.
        for j in range(len(keys)):
            op, m = keys[(j + k) % len(keys)]
            results.setdefault(f"{op}/{m}", []).append(timed_pass(op, m))
    print(json.dumps({**info, "runs": results}))


if __name__ == "__main__":
    main()

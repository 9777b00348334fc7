#!/usr/bin/python3
"""Runs GDAL's validate_cloud_optimized_geotiff over the shared corpus and stores the verdicts.

Usage (needs Debian's python3-gdal):  /usr/bin/python3 test/oracle/make_cog_validate.py
Writes test/oracle/cog_validate.json: {path: {"valid": bool, "errors": [...], "warnings": [...]}}
for every file GDAL opens. The check is the plain one (full_check=False), as `rio cogeo validate`.
"""
import csv
import json
import os

from osgeo import gdal
from osgeo_utils.samples import validate_cloud_optimized_geotiff as v

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
gdal.SetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")
here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "corpus"))
out = {"gdal_version": gdal.VersionInfo("RELEASE_NAME"), "files": {}}
with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
    for row in csv.DictReader(f, delimiter="\t"):
        path = row["path"]
        try:
            ds = gdal.Open(os.path.join(corpus, path))
            warnings, errors, _details = v.validate(ds)
        except Exception as e:  # files GDAL cannot open or validate
            out["files"][path] = {"skipped": str(e)}
            continue
        out["files"][path] = {"valid": not errors, "errors": errors, "warnings": warnings}
with open(os.path.join(here, "cog_validate.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")

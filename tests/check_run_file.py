#!/usr/bin/python3
"""Checks a qdes run file against docs/trace_schema.md (format version 1).

usage: check_run_file.py RUN.h5 [--expect-status STATUS] [--expect-table NAME:ROWS]...

Exits 0 and prints "schema ok" when the file conforms; otherwise prints each violation and exits 1.
Runs with Debian's /usr/bin/python3 and python3-h5py.
"""
import argparse
import json
import math
import sys

import h5py
import numpy as np

problems = []


def need(cond, message):
    if not cond:
        problems.append(message)
    return cond


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def check_compound(ds, columns, where):
    if not need(ds.dtype.names is not None, f"{where} is not a compound table"):
        return
    for name, kinds in columns.items():
        if need(name in ds.dtype.names, f"{where} lacks column {name}"):
            dt = ds.dtype[name]
            kind = "str" if h5py.check_string_dtype(dt) is not None else dt.kind
            need(kind in kinds, f"{where}.{name} has type {dt}, expected one of {kinds}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--expect-status")
    parser.add_argument("--expect-table", action="append", default=[])
    args = parser.parse_args()
    f = h5py.File(args.file, "r")

    need(text(f.attrs.get("format", "")) == "qdes-run", "root attribute format is not qdes-run")
    need(int(f.attrs.get("format_version", 0)) == 1, "format_version is not 1")
    status = text(f.attrs.get("status", ""))
    need(status in ("running", "completed", "failed", "truncated"), f"bad status {status!r}")
    need("status_message" in f.attrs, "no status_message attribute")
    if args.expect_status:
        need(status == args.expect_status, f"status is {status!r}, expected {args.expect_status!r}")
    if status == "completed":
        need(text(f.attrs["status_message"]) == "", "a completed run has a status message")

    if need("meta" in f, "no /meta group"):
        meta = f["meta"]
        scenario = json.loads(text(meta["scenario_json"][()]))
        for key in ("name", "seed", "warmup", "stop", "record", "components", "links"):
            need(key in scenario, f"scenario_json lacks {key}")
        for attr in ("seed", "code_version", "command_line", "scenario_file", "start_time", "end_time"):
            need(attr in meta.attrs, f"/meta lacks attribute {attr}")
        if "seed" in meta.attrs:
            need(int(meta.attrs["seed"]) == scenario.get("seed"), "/meta seed differs from the scenario's")
        if status != "running":
            need(text(meta.attrs.get("end_time", "")).endswith("Z"), "end_time is not an ISO 8601 UTC time")

    need("trace" in f, "no /trace group")
    for name, ds in f.get("trace", {}).items():
        check_compound(ds, {}, f"/trace/{name}")
        need(ds.ndim == 1 and ds.maxshape == (None,), f"/trace/{name} is not 1-D extendible")
        need(ds.chunks is not None and ds.compression == "gzip" and ds.shuffle, f"/trace/{name} is not chunked with shuffle+deflate")
        for attr in ("doc", "units", "field_docs"):
            need(attr in ds.attrs, f"/trace/{name} lacks attribute {attr}")
        units = json.loads(text(ds.attrs.get("units", "{}")))
        need(set(units) == set(ds.dtype.names or ()), f"/trace/{name} units do not name every column")
        for column, unit in units.items():
            if unit == "ps" and len(ds) > 1:
                need(ds.dtype[column].kind == "u", f"/trace/{name}.{column} in ps is not unsigned")
    for spec in args.expect_table:
        name, rows = spec.rsplit(":", 1)
        if need(name in f.get("trace", {}), f"no trace table {name}"):
            need(len(f["trace"][name]) == int(rows), f"{name} has {len(f['trace'][name])} rows, expected {rows}")

    if status in ("completed", "truncated"):
        if need("stats" in f, "no /stats"):
            check_compound(f["stats"], {"name": "str", "kind": "str", "unit": "str", "count": "u", "mean": "f",
                                        "std_error": "f", "batches": "u", "min": "f", "max": "f"}, "/stats")
            for row in f["stats"][:]:
                kind = text(row["kind"])
                need(kind in ("counter", "tally", "time_average", "estimate"), f"/stats kind {kind!r}")
                if kind == "counter":
                    need(row["mean"] == row["count"] and row["std_error"] == 0, f"counter {text(row['name'])} inconsistent")
                if kind == "estimate" and math.isfinite(row["mean"]) and not (math.isnan(row["min"]) or math.isnan(row["max"])):
                    need(row["min"] <= row["mean"] <= row["max"], f"estimate {text(row['name'])} outside its interval")
        if need("summary" in f, "no /summary"):
            summary = f["summary"]
            check_compound(summary, {"name": "str", "value": "f", "std_error": "f", "unit": "str"}, "/summary")
            names = [text(n) for n in summary["name"]]
            for required in ("simulated_time", "events", "wall_time", "event_rate", "trace_bytes", "trace_rows_dropped"):
                need(required in names, f"/summary lacks {required}")
            need(text(summary.attrs.get("stop_reason", "")) in
                 ("queue_empty", "time_limit", "event_limit", "condition", "requested"), "/summary stop_reason")
            values = dict(zip(names, summary["value"]))
            if "trace_bytes" in values:
                total = sum(f["trace"][t].dtype.itemsize * len(f["trace"][t]) for t in f["trace"])
                need(int(values["trace_bytes"]) == total, f"trace_bytes {values['trace_bytes']} != rows x row size {total}")
            if status == "truncated":
                need(values.get("trace_rows_dropped", 0) > 0, "truncated, yet no rows were dropped")
            if status == "completed":
                need(values.get("trace_rows_dropped", 1) == 0, "completed, yet rows were dropped")

    if problems:
        for p in problems:
            print("schema violation:", p)
        return 1
    print("schema ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

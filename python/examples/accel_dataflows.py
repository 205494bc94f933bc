#!/usr/bin/env python3
"""A network on one systolic array under its three dataflows (output, weight and input stationary): cycles,
stalls, utilisation and energy per layer, from the realistic model (overlapped folds, double-buffered SRAM, a DRAM
timed bank by bank), as pandas DataFrames:

    PYTHONPATH=build/python /usr/bin/python3 python/examples/accel_dataflows.py \
        --config ../shared/reference/scalesim/configs_shipped/scale.cfg \
        --topology ../shared/reference/scalesim/topologies/Resnet18.csv --plot dataflows.png

The dataflow is the only line of the SCALE-Sim configuration that changes between the three runs.
"""

import argparse
import re
import tempfile
from pathlib import Path

import pandas as pd

import qdes


def with_dataflow(config_text, dataflow):
    text, n = re.subn(r"(?mi)^(\s*Dataflow\s*[:=]\s*)\w+", rf"\g<1>{dataflow}", config_text)
    if n != 1:
        raise SystemExit("the configuration has no single 'Dataflow' line to change")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="SCALE-Sim .cfg")
    parser.add_argument("--topology", required=True, help="SCALE-Sim topology .csv")
    parser.add_argument("--gemm", action="store_true", help="the topology is in Layer, M, N, K form")
    parser.add_argument("--dram", default="ddr4_2400", help="ddr4_2400, lpddr4_3200 or hbm2")
    parser.add_argument("--plot", help="write per-layer cycles by dataflow to this PNG file")
    args = parser.parse_args()

    base = Path(args.config).read_text()
    reports = {}
    with tempfile.TemporaryDirectory() as tmp:
        for dataflow in ("os", "ws", "is"):
            cfg = Path(tmp) / f"{dataflow}.cfg"
            cfg.write_text(with_dataflow(base, dataflow))
            reports[dataflow] = qdes.accel.run(cfg, args.topology, gemm=args.gemm, dram=args.dram)

    totals = pd.DataFrame({df: r.attrs["total"] for df, r in reports.items()}).T
    columns = ["Total Cycles", "Compute Cycles", "Stall Cycles IFMAP DRAM", "Stall Cycles Filter DRAM",
               "Overall Util %", "DRAM IFMAP Read Bytes", "DRAM Filter Read Bytes", "Energy Total pJ"]
    print(f"{Path(args.topology).name} on {Path(args.config).name} ({args.dram}), network totals by dataflow:")
    print(totals[columns].to_string())
    best = totals["Total Cycles"].astype(float).idxmin()
    print(f"fastest: {best}")

    cycles = pd.DataFrame({df: r["Total Cycles"] for df, r in reports.items()})
    cycles.insert(0, "Layer", reports["os"]["Layer"])
    print("\nTotal cycles per layer:")
    print(cycles.to_string())

    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        ax = cycles.set_index("Layer").plot.bar(figsize=(max(6, 0.35 * len(cycles)), 4.5), logy=True)
        ax.set_ylabel("cycles")
        ax.set_title(f"{Path(args.topology).stem} per layer, by dataflow")
        ax.figure.tight_layout()
        ax.figure.savefig(args.plot, dpi=120)
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()

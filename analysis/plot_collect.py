#!/usr/bin/python3
"""Plots a `qdes collect` file: logical error per shot and per round against p, one curve per distance, one panel
pair per decoder, with Wilson 95% intervals as error bars (Debian's python3-h5py and python3-matplotlib).

usage: /usr/bin/python3 analysis/plot_collect.py COLLECT.h5 OUT_DIR
Writes OUT_DIR/<name>-collect.png and prints the table it drew. Tasks read from circuit files (no p or distance)
are listed but not drawn."""

import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main(path, out_dir):
    with h5py.File(path, "r") as f:
        if f.attrs.get("format", b"") not in (b"qdes-collect", "qdes-collect"):
            sys.exit(f"{path}: not a qdes collect file")
        rows = f["tasks"][()]
        status = text(f.attrs["status"])
    decoders = sorted({text(r["decoder"]) for r in rows})
    fig, axes = plt.subplots(len(decoders), 2, figsize=(11, 4.2 * len(decoders)), squeeze=False)
    print(f"{path} ({status}): {len(rows)} tasks")
    for i, dec in enumerate(decoders):
        mine = [r for r in rows if text(r["decoder"]) == dec and r["p"] > 0 and r["shots"] > 0]
        for j, (col, label) in enumerate([("error_per_shot", "logical error per shot"),
                                          ("error_per_round", "logical error per round")]):
            ax = axes[i][j]
            for key in sorted({(text(r["basis"]), int(r["distance"])) for r in mine}):
                pts = sorted((r for r in mine if (text(r["basis"]), int(r["distance"])) == key), key=lambda r: r["p"])
                ps = [r["p"] for r in pts]
                ys = [r[col] for r in pts]
                lo = [max(r[col] - r[col + "_low"], 0) for r in pts]
                hi = [max(r[col + "_high"] - r[col], 0) for r in pts]
                ax.errorbar(ps, ys, yerr=[lo, hi], marker="o", capsize=3, label=f"d = {key[1]} ({key[0]} basis)")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("physical error rate p (circuit-level depolarizing)")
            ax.set_ylabel(label)
            ax.set_title(f"{dec}: {label}")
            ax.grid(True, which="both", alpha=0.3)
            if mine:
                ax.legend(fontsize=8)
    fig.tight_layout()
    out = os.path.join(out_dir, os.path.splitext(os.path.basename(path))[0] + "-collect.png")
    fig.savefig(out, dpi=110)
    for r in rows:
        print(f"  {text(r['key']):60s} shots {int(r['shots']):9d} errors {int(r['errors']):6d} "
              f"per shot {r['error_per_shot']:.3g} [{r['error_per_shot_low']:.3g}, {r['error_per_shot_high']:.3g}] "
              f"per round {r['error_per_round']:.3g}")
    print(f"plot: {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

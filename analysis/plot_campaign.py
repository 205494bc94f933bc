#!/usr/bin/python3
"""Plots for `qdes report`: lifetime against p per lattice size with the threshold, and the failure times of one
point against the exponential the estimator assumes.

usage: plot_campaign.py CAMPAIGN.h5 REPORT.json OUTDIR

Runs with Debian's /usr/bin/python3, python3-h5py and python3-matplotlib. Writes OUTDIR/<campaign>-tau.png and
OUTDIR/<campaign>-failures.png.
"""
import json
import math
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main():
    campaign_path, report_path, out_dir = sys.argv[1:4]
    report = json.load(open(report_path))
    stem = os.path.splitext(os.path.basename(campaign_path))[0]
    xkey, skey, stat = report["x"], report["series"], report["statistic"]

    fig, ax = plt.subplots(figsize=(7, 5))
    for curve in report["curves"]:
        pts = [p for p in curve["points"] if p["value"] is not None]
        if not pts:
            continue
        x = np.array([p["x"] for p in pts])
        y = np.array([p["value"] for p in pts])
        lo = np.array([p["lower"] for p in pts])
        hi = np.array([p["upper"] if p["upper"] is not None else p["value"] for p in pts])
        label = f"{skey.split('.')[-1]} = {curve['series']:g}" if skey else stat
        if curve.get("d_eff") is not None:
            label += f"  (D_eff {curve['d_eff']:.2f} ± {curve['d_eff_std_error']:.2f})"
        ax.errorbar(x, y, yerr=[y - lo, hi - y], marker="o", capsize=3, label=label)
    for t in report["thresholds"]:
        if t["found"] and t["lower"] is not None:
            ax.axvspan(t["lower"], t["upper"], color="grey", alpha=0.2)
            ax.axvline(t["at"], color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xkey)
    ax.set_ylabel(stat + " (95% interval)")
    ax.set_title(f"{stem}: lifetime; grey: threshold with bootstrap interval")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, f"{stem}-tau.png"), dpi=120)
    plt.close(fig)

    # Failure times of the point with the most failures below the lowest threshold (or overall).
    with h5py.File(campaign_path, "r") as f:
        points = {int(r["index"]): (text(r["status"]), text(r["file"])) for r in f["points"][:]}
        results = [r for r in f["results"][:] if text(r["statistic"]) == stat]
    best = max(results, key=lambda r: int(r["count"]), default=None)
    if best is None:
        return
    status, name = points[int(best["point"])]
    path = os.path.join(os.path.dirname(campaign_path), name)
    with h5py.File(path, "r") as f:
        tables = [t for t in f.get("trace", {}) if t.endswith(".failures")]
        if not tables:
            print(f"plot_campaign: {name} recorded no failures table; add record: trace: [<component>.failures]")
            return
        rows = f["trace"][tables[0]][:]
    failed = rows["round"][rows["censored"] == 0].astype(float)
    tau = float(best["value"])
    fig, (h, s) = plt.subplots(1, 2, figsize=(11, 4.5))
    bins = np.linspace(0, failed.max() if len(failed) else 1, 40)
    h.hist(failed, bins=bins, density=True, alpha=0.6, label=f"{len(failed)} failures")
    grid = np.linspace(0, bins[-1], 200)
    h.plot(grid, np.exp(-grid / tau) / tau, "r-", label=f"exponential, tau = {tau:.4g}")
    h.set_xlabel("failure round")
    h.set_ylabel("density")
    h.legend()
    times = np.sort(rows["round"].astype(float))
    survival = 1 - np.arange(1, len(times) + 1) / len(times)
    s.step(times, survival, where="post", label="shots still alive (censored ones stay)")
    s.plot(grid, np.exp(-grid / tau), "r-", label="exp(-t / tau)")
    s.set_yscale("log")
    s.set_xlabel("round")
    s.set_ylabel("surviving fraction")
    s.legend()
    fig.suptitle(f"{name}: failure times against the exponential")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, f"{stem}-failures.png"), dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    main()

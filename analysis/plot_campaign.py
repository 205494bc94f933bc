#!/usr/bin/python3
"""Plots for `qdes report`: lifetime against p per lattice size with the threshold; D_eff against the size; for the
point with the most failures, its failure times against the exponential the estimator assumes and its logical
fidelity F(t) with the fit; and the spacetime history of a few shots of a point that recorded one.

usage: plot_campaign.py CAMPAIGN.h5 REPORT.json OUTDIR

Runs with Debian's /usr/bin/python3, python3-h5py and python3-matplotlib. Writes OUTDIR/<campaign>-tau.png,
-deff.png, -failures.png, -fidelity.png and -history.png (each when the campaign has what it needs).
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
    # The threshold: where the tau curves cross, or failing that where tau / size does (Toom's rule on the Ising
    # memory: tau grows like log L above threshold, so only tau / L crosses).
    marked = "tau"
    thresholds = [t for t in report["thresholds"] if t["found"]]
    if not thresholds:
        thresholds = [t for t in report.get("thresholds_per_size", []) if t["found"]]
        marked = "tau / size"
    for t in thresholds:
        if t["lower"] is not None:
            ax.axvspan(t["lower"], t["upper"], color="grey", alpha=0.2)
        ax.axvline(t["at"], color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xkey)
    ax.set_ylabel(stat + " (95% interval)")
    ax.set_title(f"{stem}: lifetime; grey: {marked} crossings with bootstrap intervals", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, f"{stem}-tau.png"), dpi=120)
    plt.close(fig)

    deff = [c for c in report["curves"] if c.get("d_eff") is not None]
    if skey and len(deff) >= 2:
        fig, ax = plt.subplots(figsize=(6, 4.5))
        ax.errorbar([c["series"] for c in deff], [c["d_eff"] for c in deff],
                    yerr=[c["d_eff_std_error"] for c in deff], marker="o", capsize=3)
        ax.set_xlabel(skey)
        ax.set_ylabel("D_eff = -d log tau / d log " + xkey.split(".")[-1])
        ax.set_title(f"{stem}: effective distance below threshold (1 standard error)", fontsize=10)
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, f"{stem}-deff.png"), dpi=120)
        plt.close(fig)

    with h5py.File(campaign_path, "r") as f:
        points = {int(r["index"]): (text(r["status"]), text(r["file"])) for r in f["points"][:]}
        values = {text(r["file"]): json.loads(text(r["values"])) for r in f["points"][:]
                  if text(r["status"]) == "completed"}
        results = [r for r in f["results"][:] if text(r["statistic"]) == stat]
    folder = os.path.dirname(campaign_path)
    # The history worth a look: the largest lattice at the highest x below the threshold, where islands grow big
    # and are still erased (without a threshold, the middle x).
    at = min((t["at"] for t in thresholds), default=None)

    def interest(name):
        v = values[name]
        size = float(v.get(skey, 0)) if skey else 0.0
        x = float(v.get(xkey, 0))
        below = at is None or x < at
        return (size, below, x if at is not None else -abs(math.log(x) - median_log_x))
    xs = [float(v.get(xkey, 1)) for v in values.values()]
    median_log_x = float(np.median(np.log(xs))) if xs else 0.0
    history(folder, sorted(values, key=interest, reverse=True), out_dir, stem)
    # Failure times and fidelity of the point with the most failures.
    best = max(results, key=lambda r: int(r["count"]), default=None)
    if best is None:
        return
    status, name = points[int(best["point"])]
    path = os.path.join(folder, name)
    fidelity(path, name, out_dir, stem)
    with h5py.File(path, "r") as f:
        rows = table(f, ".failures")
    if rows is None:
        print(f"plot_campaign: {name} recorded no failures table; add record: trace: [<component>.failures]")
        return
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


def table(f, suffix):
    names = [t for t in f.get("trace", {}) if t.endswith(suffix)]
    return f["trace"][names[0]][:] if names else None


def summary_value(f, suffix):
    for row in f["summary"][:]:
        if text(row["name"]).endswith(suffix):
            return float(row["value"])
    return None


def fidelity(path, name, out_dir, stem):
    """F(t): the fraction of shots logically correct per round, with the fitted (1 + exp(-t / tau)) / 2."""
    with h5py.File(path, "r") as f:
        rows = table(f, ".fidelity")
        tau = summary_value(f, ".fidelity_lifetime")
    if rows is None or len(rows) == 0:
        print(f"plot_campaign: {name} recorded no fidelity table; add record: trace: [<component>.fidelity]")
        return
    t = rows["round"].astype(float)
    shots = rows["shots"].astype(float)
    keep = shots > 0
    t, shots = t[keep], shots[keep]
    f_t = rows["correct"][keep] / shots
    err = np.sqrt(np.maximum(f_t * (1 - f_t), 1e-12) / shots)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.errorbar(t, f_t, yerr=err, fmt=".", markersize=3, alpha=0.6, label="F(t), binomial standard errors")
    if tau is not None and math.isfinite(tau):
        grid = np.linspace(0, t.max(), 300)
        ax.plot(grid, (1 + np.exp(-grid / tau)) / 2, "r-", label=f"(1 + exp(-t / tau)) / 2, tau = {tau:.4g}")
    ax.axhline(0.5, color="grey", linewidth=0.8)
    ax.set_xlabel("round")
    ax.set_ylabel("logical fidelity")
    ax.set_title(f"{name}: logical fidelity and its fit", fontsize=10)
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, f"{stem}-fidelity.png"), dpi=120)
    plt.close(fig)


def history(folder, names, out_dir, stem, shots=3, frames=12):
    """The lattice per round for a few shots of the first point with a 2D history: spins wrong in black, sites whose
    north or east syndrome bit fired in red, over the frames rounds around each shot's largest island."""
    for name in names:
        with h5py.File(os.path.join(folder, name), "r") as f:
            rows = table(f, ".history")
            if rows is None or len(rows) == 0:
                continue
            scenario = json.loads(text(f["meta"]["scenario_json"][()]))
        memory = next((c for c in scenario.get("components", {}).values()
                       if c.get("kind") == "lec_memory"), {})
        if str(memory.get("rule", "toom_circuit")) == "toric4d_circuit":
            continue  # a 4D lattice has no picture here
        L = int(memory.get("size", 8))
        fig, axes = plt.subplots(shots, frames, figsize=(frames * 1.1, shots * 1.25), squeeze=False)
        for k, shot in enumerate(sorted(set(rows["shot"].tolist()))[:shots]):
            mine = rows[rows["shot"] == shot]
            errors = mine[mine["what"] == 0]
            rounds = np.arange(1, int(mine["round"].max()) + 1)
            counts = np.array([np.sum(errors["round"] == r) for r in rounds])
            start = max(1, int(rounds[np.argmax(counts)]) - 3) if len(counts) else 1
            for j in range(frames):
                r = start + j
                image = np.ones((L, L, 3))
                for row in mine[mine["round"] == r]:
                    y, x = int(row["x0"]), int(row["x1"])
                    if row["what"] == 0:
                        image[y, x] = (0, 0, 0)
                    elif image[y, x].sum() == 3:
                        image[y, x] = (1, 0.55, 0.55)
                ax = axes[k][j]
                ax.imshow(image, interpolation="nearest")
                ax.set_xticks([])
                ax.set_yticks([])
                ax.set_title(f"r{r}", fontsize=7)
            axes[k][0].set_ylabel(f"shot {shot}", fontsize=8)
        fig.suptitle(f"{name}: spins wrong (black), fired syndrome bits (red), rounds around each shot's largest "
                     "island", fontsize=9)
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, f"{stem}-history.png"), dpi=120)
        plt.close(fig)
        return


if __name__ == "__main__":
    main()

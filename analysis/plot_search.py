#!/usr/bin/python3
"""Draws a circuit search's result file (qdes search): the training curves of every agent, the learned rule (which
ancillas, which gates), and the re-evaluation of the best rules against the reference with intervals.

usage: plot_search.py SEARCH.h5 OUT.png
"""
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import yaml  # noqa: E402


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def parse_ref(ref):
    """'!name(-1, 0)' -> (name, (-1, 0), negated)."""
    m = re.fullmatch(r"(!?)([^(]+)(?:\((-?\d+),\s*(-?\d+)\))?", ref.strip())
    off = (int(m.group(3)), int(m.group(4))) if m.group(3) else (0, 0)
    return m.group(2), off, m.group(1) == "!"


def gate_name(controls):
    return {1: "CX", 2: "CCX"}.get(controls, "MCX")


def draw_rule(ax, rule_text, title):
    rule = yaml.safe_load(rule_text)
    ancillas = rule["ancillas"]
    colours = plt.cm.tab10(np.arange(10))
    ax.set_title(title, fontsize=10)
    ax.set_aspect("equal")
    ax.axis("off")
    r = 1
    for row in range(-r - 1, r + 2):
        for col in range(-r - 1, r + 2):
            ax.plot(col, -row, "o", color="0.8", ms=10, zorder=1)
    ax.plot(0, 0, "o", color="black", ms=12, zorder=3)
    ax.annotate("cell", (0, 0), xytext=(0.12, 0.12), fontsize=8)
    lines = []
    for i, (name, spec) in enumerate(ancillas.items()):
        c = colours[i % 10]
        if "parity" in spec:
            offs = [tuple(o) for o in spec["parity"]]
            for o in offs:
                if o != (0, 0):
                    ax.annotate("", xy=(o[1], -o[0]), xytext=(0, 0),
                                arrowprops=dict(arrowstyle="-", color=c, lw=3, alpha=0.8), zorder=2)
                    ax.plot(o[1], -o[0], "s", color=c, ms=9, zorder=3)
            lines.append((c, f"{name} = parity of cell and {', '.join(str(o) for o in offs if o != (0, 0))}: "
                             f"{len(offs)} CX"))
        else:
            refs = spec["and"]
            lines.append((c, f"{name} = AND({', '.join(refs)}): {gate_name(len(refs))}"))
    for k, corr in enumerate(rule["corrections"]):
        refs = corr["if"]
        lines.append(("black", f"correction {k + 1}: flip {tuple(corr['flip'])} if "
                               f"{' and '.join(refs)}: {gate_name(len(refs))}"))
    y = -r - 1.6
    for c, line in lines:
        ax.text(-r - 1.2, y, line, color=c, fontsize=8, va="top")
        y -= 0.45
    ax.set_xlim(-r - 1.4, r + 4.5)
    ax.set_ylim(y - 0.2, r + 1.5)


def main():
    path, out = sys.argv[1], sys.argv[2]
    with h5py.File(path, "r") as f:
        curve = f["curve"][:]
        rules = f["rules"][:]
        reeval = f["reevaluation"][:]
        reference = text(f["reference_rule"][()])
        name = text(f.attrs["scenario_file"])
    agents = list(dict.fromkeys(text(a) for a in curve["agent"]))
    fig = plt.figure(figsize=(15, 9))
    grid = fig.add_gridspec(2, 3)
    ax = fig.add_subplot(grid[0, 0])
    for a in agents:
        rows = curve[[text(x) == a for x in curve["agent"]]]
        ax.plot(rows["evaluations"], rows["best_so_far"], label=f"{a}: best so far")
        ax.plot(rows["evaluations"], rows["mean_objective"], ".", ms=3, alpha=0.5, label=f"{a}: batch mean")
    ax.set_xlabel("distinct rules scored (budget spent)")
    ax.set_ylabel("objective (log tau - gate penalty)")
    ax.set_title("training curves", fontsize=10)
    ax.legend(fontsize=7)
    ax = fig.add_subplot(grid[1, 0])
    for a in agents:
        sel = rules[[text(x) == a for x in rules["agent"]]]
        ax.plot(sel["evaluation"], sel["objective"], ".", ms=4, alpha=0.6, label=a)
    ax.set_xlabel("rule, in the order scored")
    ax.set_ylabel("objective")
    ax.set_title("every distinct rule scored", fontsize=10)
    ax.legend(fontsize=7)
    # The best rule overall and the reference.
    best_agent, best_obj, best_rule = None, -np.inf, None
    for a in agents:
        sel = rules[[text(x) == a for x in rules["agent"]]]
        if len(sel):
            i = int(np.argmax(sel["objective"]))
            if sel["objective"][i] > best_obj:
                best_agent, best_obj, best_rule = a, sel["objective"][i], text(sel["rule"][i])
    if best_rule:
        draw_rule(fig.add_subplot(grid[0, 1]), best_rule, f"best rule ({best_agent}), objective {best_obj:.3f}")
    draw_rule(fig.add_subplot(grid[0, 2]), reference, "reference rule")
    ax = fig.add_subplot(grid[1, 1:])
    points = list(dict.fromkeys((float(p), int(s)) for p, s in zip(reeval["p"], reeval["size"])))
    labels = list(dict.fromkeys(
        ("best: " + text(a)) if text(r) == "best" else "reference" for r, a in zip(reeval["rule"], reeval["agent"])))
    width = 0.8 / max(1, len(labels))
    for j, lab in enumerate(labels):
        xs, ys, lo, hi = [], [], [], []
        for k, pt in enumerate(points):
            for row in reeval:
                row_label = ("best: " + text(row["agent"])) if text(row["rule"]) == "best" else "reference"
                if row_label == lab and (float(row["p"]), int(row["size"])) == pt:
                    xs.append(k + (j - (len(labels) - 1) / 2) * width)
                    ys.append(row["tau"])
                    lo.append(row["tau"] - row["lower"])
                    hi.append(row["upper"] - row["tau"])
        ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, label=lab)
    ax.set_yscale("log")
    ax.set_xticks(range(len(points)))
    ax.set_xticklabels([f"p={p:g}, L={s}" + (" (training)" if k == 0 else "") for k, (p, s) in enumerate(points)])
    ax.set_ylabel("lifetime tau (fresh random numbers)")
    ax.set_title("re-evaluation with intervals", fontsize=10)
    ax.legend(fontsize=8)
    fig.suptitle(f"qdes search: {name}")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

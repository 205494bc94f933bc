#!/usr/bin/python3
"""Tables and Pareto plots of an nn_model sweep (scenarios/workloads/*.yaml).

usage:
  workload_campaign.py table CAMPAIGN.h5 [STATISTIC ...]
      one Markdown row per point: the swept values, then each statistic (default: net.accuracy with its Wilson
      bounds, net.params, net.macs, net.model_size, accel.cycles, accel.energy)
  workload_campaign.py pareto CAMPAIGN.h5 OUTDIR [--series KEY]
      accuracy against accel.cycles and against accel.energy, one marker series per value of KEY (default: the
      accelerator's swept settings together, else the sweep's last key), the Pareto front (highest accuracy for
      the cost) of each series drawn as a line; writes OUTDIR/<campaign>-pareto.png and prints the fronts
  workload_campaign.py lottery CAMPAIGN.h5 OUTDIR
      a lottery-ticket sweep (prune: lottery over lottery_rounds, lottery_control and seeds): test accuracy against
      weight density (net.effective_macs / net.macs), ticket and control each averaged over the seeds, as a
      Markdown table and OUTDIR/<campaign>-lottery.png
  workload_campaign.py layers RUN.h5 [RUN.h5 ...] OUTDIR
      the per-layer report of runs that recorded it (record: trace: [net.layers]; a sweep's point files are
      DIR/<name>-pNNNN.h5): a Markdown table per run (weights, density, MACs, bits, cycles, utilisation, DRAM,
      energy) and OUTDIR/<first run>-layers.png, cycles and energy per layer, one bar per run, runs labelled by the
      settings in which they differ

Runs with Debian's /usr/bin/python3, python3-h5py and python3-matplotlib.
"""
import json
import os
import sys

import h5py


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def load(path):
    """Per completed point: its swept values (dict) and its statistics (name -> row)."""
    with h5py.File(path, "r") as f:
        points = {}
        for p in f["points"][:]:
            if text(p["status"]) != "completed":
                continue
            points[int(p["index"])] = {"values": json.loads(text(p["values"])), "stats": {}}
        for r in f["results"][:]:
            i = int(r["point"])
            if i in points:
                points[i]["stats"][text(r["statistic"])] = r
    if not points:
        sys.exit(f"{path}: no completed point")
    return [points[i] for i in sorted(points)]


def short(key):
    return key.split(".")[-1]


def number(v):
    if abs(v) >= 1e5:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:g}"


def table(path, stats):
    points = load(path)
    keys = list(points[0]["values"].keys())
    stats = stats or ["net.accuracy", "net.params", "net.macs", "net.model_size", "accel.cycles", "accel.energy"]
    print("| " + " | ".join([short(k) for k in keys] + stats) + " |")
    print("|" + " --- |" * (len(keys) + len(stats)))
    for p in points:
        cells = [p["values"][k] for k in keys]
        for s in stats:
            r = p["stats"].get(s)
            if r is None:
                cells.append("n/a")
            elif s == "net.accuracy":
                cells.append(f"{100 * r['value']:.2f}% [{100 * r['lower']:.2f}, {100 * r['upper']:.2f}]")
            else:
                unit = text(r["unit"])
                cells.append(number(r["value"]) + ("" if unit in ("1", "") else " " + unit))
        print("| " + " | ".join(cells) + " |")


def stem_of(path):
    return os.path.splitext(os.path.basename(path))[0]


def save(fig, path, out_dir, kind):
    """Writes OUTDIR/<campaign>-<kind>.png."""
    fig.tight_layout()
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, f"{stem_of(path)}-{kind}.png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def front(xs, ys):
    """Indices of the points no other point beats: lower cost and at least the accuracy (or equal cost, higher)."""
    order = sorted(range(len(xs)), key=lambda i: (xs[i], -ys[i]))
    best, out = -1.0, []
    for i in order:
        if ys[i] > best:
            out.append(i)
            best = ys[i]
    return out


def pareto(path, out_dir, series_key):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = load(path)
    keys = list(points[0]["values"].keys())
    if series_key:
        if series_key not in keys:
            sys.exit(f"--series {series_key}: not a swept key; swept: {', '.join(keys)}")
        series_keys = [series_key]
    else:  # the accelerator's swept settings, together; else the last key
        series_keys = [k for k in keys if k.startswith("components.accel")] or [keys[-1]]
    groups = {}
    for p in points:
        if "net.accuracy" not in p["stats"]:
            sys.exit(f"{path}: the points have no net.accuracy (shape-only model?)")
        name = ", ".join(f"{short(k)} {p['values'][k]}" for k in series_keys)
        groups.setdefault(name, []).append(p)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax, cost in ((axes[0], "accel.cycles"), (axes[1], "accel.energy")):
        unit = text(points[0]["stats"][cost]["unit"])
        for name, ps in groups.items():
            xs = [p["stats"][cost]["value"] for p in ps]
            ys = [100 * p["stats"]["net.accuracy"]["value"] for p in ps]
            marks = ax.scatter(xs, ys, label=name, alpha=0.6)
            f = front(xs, ys)
            ax.plot([xs[i] for i in f], [ys[i] for i in f], color=marks.get_facecolor()[0], linewidth=1.5)
            print(f"Pareto front of {name}, accuracy against {cost}:")
            for i in f:
                other = ", ".join(f"{short(k)} {v}" for k, v in ps[i]["values"].items() if k not in series_keys)
                print(f"  {other}: {ys[i]:.2f}%, {xs[i]:.4g} {unit}")
        ax.set_xlabel(f"{cost} per batch ({unit})")
        ax.set_ylabel("top-1 accuracy (%)")
        ax.grid(True, alpha=0.3)
    axes[0].legend()
    fig.suptitle(f"{stem_of(path)}: accuracy against cost (lines: Pareto fronts)")
    save(fig, path, out_dir, "pareto")


def lottery(path, out_dir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    points = load(path)
    curves = {}  # control -> rounds -> [(density, accuracy)]
    for p in points:
        v, st = p["values"], p["stats"]
        rounds = v.get("components.net.lottery_rounds")
        if rounds is None or "net.accuracy" not in st:
            sys.exit(f"{path}: not a lottery sweep (lottery_rounds swept, accuracy measured)")
        control = v.get("components.net.lottery_control", "none")
        density = st["net.effective_macs"]["value"] / st["net.macs"]["value"]
        curves.setdefault(control, {}).setdefault(int(rounds), []).append((density, st["net.accuracy"]["value"]))
    names = {"none": "rewound ticket", "reinit": "random re-init (control)"}
    rounds = sorted(set(r for c in curves.values() for r in c))
    print("| round | weight density | " + " | ".join(names.get(c, c) for c in curves) + " | seeds |")
    print("|" + " --- |" * (3 + len(curves)))
    for r in rounds:
        cells, density, seeds = [], None, 0
        for c in curves.values():
            runs = c.get(r, [])
            if runs:
                density = sum(d for d, _ in runs) / len(runs)
                seeds = max(seeds, len(runs))
            cells.append(f"{100 * sum(a for _, a in runs) / len(runs):.2f}%" if runs else "n/a")
        print(f"| {r} | {100 * density:.2f}% | " + " | ".join(cells) + f" | {seeds} |")
    fig, ax = plt.subplots(figsize=(7, 5))
    for control, c in curves.items():
        rs = sorted(c)
        xs = [100 * sum(d for d, _ in c[r]) / len(c[r]) for r in rs]
        ys = [100 * sum(a for _, a in c[r]) / len(c[r]) for r in rs]
        ax.plot(xs, ys, marker="o", label=names.get(control, control))
        for r in rs:
            ax.scatter([100 * d for d, _ in c[r]], [100 * a for _, a in c[r]], s=10, alpha=0.4, color="gray")
    ax.set_xscale("log")
    ax.set_xticks([1, 2, 5, 10, 20, 50, 100])
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.invert_xaxis()
    ax.set_xlabel("weights kept (%)")
    ax.set_ylabel("top-1 test accuracy (%)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    ax.set_title(f"{stem_of(path)}: mean over seeds (gray: each seed)")
    save(fig, path, out_dir, "lottery")


def flat(tree, prefix=""):
    """A nested dict as {dotted.key: value}."""
    out = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def read_layers(path):
    """(resolved scenario as flat dict, rows of /trace/net.layers-like tables) of one run file."""
    with h5py.File(path, "r") as f:
        scenario = flat(json.loads(text(f["meta/scenario_json"][()])))
        tables = [k for k in f.get("trace", {}).keys() if k.endswith(".layers") and "name" in f["trace"][k].dtype.names]
        if not tables:
            sys.exit(f"{path}: no per-layer report; record it with record: trace: [<nn_model>.layers]")
        rows = f["trace"][tables[0]][:]
    return scenario, rows


def layers(paths, out_dir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [(p, *read_layers(p)) for p in paths]
    varying = [k for k in runs[0][1] if k != "name" and len({json.dumps(r[1].get(k)) for r in runs}) > 1]
    labels = []
    for p, scenario, _ in runs:
        parts = [f"{short(k)}={os.path.basename(str(scenario.get(k)))}" for k in varying]
        labels.append(", ".join(parts) if parts else stem_of(p))
    names = []
    for _, _, rows in runs:
        for r in rows:
            n = text(r["name"])
            if n not in names:
                names.append(n)
    for label, (p, _, rows) in zip(labels, runs):
        print(f"{stem_of(p)} ({label})\n")
        print("| layer | weights | dense | MACs/sample | w/a bits | cycles | util | DRAM | energy |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        total = {"weights": 0, "cycles": 0.0, "dram": 0.0, "energy": 0.0, "macs": 0.0}
        for r in rows:
            dense = 100 * r["nonzero_weights"] / r["weights"] if r["weights"] else 0
            print(f"| {text(r['name'])} | {number(r['weights'])} | {dense:.1f}% | {number(r['macs'])} | "
                  f"{r['weight_bits']}/{r['input_bits']} | {number(r['cycles'])} | {100 * r['utilisation']:.1f}% | "
                  f"{r['dram_bytes'] / 1e6:.3f} MB | {r['energy_pj'] / 1e6:.3f} uJ |")
            total["weights"] += int(r["weights"])
            total["cycles"] += r["cycles"]
            total["dram"] += r["dram_bytes"]
            total["energy"] += r["energy_pj"]
            total["macs"] += r["macs"]
        print(f"| total | {number(total['weights'])} | | {number(total['macs'])} | | {number(total['cycles'])} | | "
              f"{total['dram'] / 1e6:.3f} MB | {total['energy'] / 1e6:.3f} uJ |\n")
    fig, axes = plt.subplots(2, 1, figsize=(max(7, 0.35 * len(names) * max(1, len(runs) / 2) + 2), 8), sharex=True)
    width = 0.8 / len(runs)
    for k, (label, (_, _, rows)) in enumerate(zip(labels, runs)):
        by = {text(r["name"]): r for r in rows}
        xs = [i + (k - (len(runs) - 1) / 2) * width for i in range(len(names))]
        axes[0].bar(xs, [by[n]["cycles"] if n in by else 0 for n in names], width, label=label)
        axes[1].bar(xs, [by[n]["energy_pj"] / 1e6 if n in by else 0 for n in names], width, label=label)
    axes[0].set_ylabel("cycles per inference")
    axes[1].set_ylabel("energy per inference (uJ)")
    axes[1].set_xticks(range(len(names)))
    axes[1].set_xticklabels(names, rotation=75, ha="right", fontsize=7)
    for ax in axes:
        ax.grid(True, axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[0].set_title("per-layer report: " + ", ".join(stem_of(p) for p, _, _ in runs))
    save(fig, paths[0], out_dir, "layers")


def main(argv):
    if len(argv) < 3 or argv[1] not in ("table", "pareto", "lottery", "layers"):
        sys.exit(__doc__)
    if argv[1] == "layers":
        if len(argv) < 4:
            sys.exit(__doc__)
        for p in argv[2:-1]:
            if not os.path.exists(p):
                sys.exit(f"{p}: no such run file")
        layers(argv[2:-1], argv[-1])
        return
    if not os.path.exists(argv[2]):
        sys.exit(f"{argv[2]}: no such campaign file")
    if argv[1] == "table":
        table(argv[2], argv[3:])
    elif argv[1] == "lottery":
        if len(argv) < 4:
            sys.exit(__doc__)
        lottery(argv[2], argv[3])
    else:
        if len(argv) < 4:
            sys.exit(__doc__)
        series = None
        if "--series" in argv:
            at = argv.index("--series")
            if at + 1 >= len(argv):
                sys.exit("--series needs a swept key")
            series = argv[at + 1]
        pareto(argv[2], argv[3], series)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/python3
"""Plots of a readout_memory campaign.

usage: plot_readout_interval.py CAMPAIGN.h5 [OUT.png]

- A readout-interval sweep (over components.memory.readout_every, with lec and size): the logical error rate per
  microsecond of storage (1 / lifetime) against the readout interval R, one colour per lattice size L, solid for
  LEC rounds between readouts and dashed for the "no LEC" baseline (waits as long), with the "readout every round"
  value (R = 1) of each L as a dotted horizontal line. Error bars: the confidence interval of each point.
- A decoder-latency sweep (over components.memory.decode_time): the logical error per operation and the cycles
  per operation against the decode time, and, from the point files' readouts traces, the decoder's backlog over
  time for each decode time.
- A decoder-hardware sweep (over components.memory.decoder_clock, with decoder_pes): the logical error per
  operation and the time per operation against the accelerator's clock, one curve per PE count, and the mean decode
  latency against the clock with the time the committed readouts take (the decoder keeps up below that line).
- A neural-decoder sweep (over components.memory.nn_bits, with nn_nm or nn_prune): the logical error and the
  array's cycles per inference against the weight bits, one curve per sparsity.
Prints the plotted numbers as a table. Runs with Debian's /usr/bin/python3 (python3-h5py, python3-matplotlib).
"""
import collections
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def load(path):
    f = h5py.File(path, "r")
    values = collections.defaultdict(dict)
    for point, key, value in f["values"][:]:
        values[int(point)][text(key)] = text(value)
    results = collections.defaultdict(dict)
    for row in f["results"][:]:
        results[int(row["point"])][text(row["statistic"])] = (row["value"], row["lower"], row["upper"])
    files = {int(p["index"]): text(p["file"]) for p in f["points"][:]}
    return values, results, files


def duration_us(text_value):
    number, unit = text_value.split()
    scale = {"s": 1e6, "ms": 1e3, "us": 1.0, "ns": 1e-3, "ps": 1e-6}[unit]
    return float(number) * scale


def readout_interval(values, results, out):
    key_R, key_L, key_lec = ("components.memory." + k for k in ("readout_every", "size", "lec"))
    rows = []
    for point, v in values.items():
        r = results[point]
        if "memory.logical_error_rate" not in r:
            continue
        rate, lo, hi = (x * 1e-6 for x in r["memory.logical_error_rate"])  # per microsecond
        lec = v.get(key_lec, "both_ends")
        if "components.memory.rule_file" in v:  # a sweep over rule files: name the curve by the file
            lec = os.path.splitext(os.path.basename(v["components.memory.rule_file"]))[0]
        rows.append((int(v.get(key_L, 0)), lec, int(v[key_R]), rate, lo, hi,
                     r["memory.logical_error"][0], r["memory.cycle_duration"][0] * 1e6))
    rows.sort()
    print(f"{'L':>3} {'lec':>10} {'R':>3} {'cycle (us)':>10} {'P(fail)':>8} {'rate (1/us)':>12} {'interval':>24}")
    for L, lec, R, rate, lo, hi, P, cyc in rows:
        print(f"{L:>3} {lec:>10} {R:>3} {cyc:>10.3f} {P:>8.4f} {rate:>12.4g} [{lo:.4g}, {hi:.4g}]")
    fig, ax = plt.subplots(figsize=(7.5, 5))
    sizes = sorted({r[0] for r in rows})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, L in enumerate(sizes):
        c = colours[i % len(colours)]
        kinds = sorted({r[1] for r in rows if r[0] == L})
        styles = ["-", "-.", ":", (0, (5, 1))]
        for k, lec in enumerate(kinds):
            style = "--" if lec == "none" else styles[k % len(styles)]
            label = {"both_ends": "LEC between readouts", "none": "no LEC (wait)"}.get(lec, "rule " + lec)
            pts = [r for r in rows if r[0] == L and r[1] == lec and r[2] > 1 and r[3] < float("inf")]
            if not pts:
                continue
            x = [r[2] for r in pts]
            y = [r[3] for r in pts]
            err = [[max(r[3] - r[4], 0) for r in pts], [max(r[5] - r[3], 0) if r[5] < float("inf") else 0 for r in pts]]
            ax.errorbar(x, y, yerr=err, fmt="o", linestyle=style, color=c, capsize=3, label=f"L = {L}, {label}")
        base = [r for r in rows if r[0] == L and r[2] == 1]
        if base and base[0][3] > 0:
            ax.axhline(base[0][3], color=c, linestyle=":", label=f"L = {L}, readout every round")
        elif base:  # no failure: its upper bound
            ax.axhline(base[0][5], color=c, linestyle=(0, (1, 4)), label=f"L = {L}, readout every round (below)")
    # Points whose memories were lost (half or more of the shots failed: no finite lifetime) sit on the top edge.
    ax.set_yscale("log")
    lost = [r for r in rows if r[2] > 1 and r[3] == float("inf")]
    if lost:
        bottom, top = ax.get_ylim()
        for i, L in enumerate(sizes):
            xs = [r[2] for r in lost if r[0] == L]
            if xs:
                ax.plot(xs, [top] * len(xs), "x", color=colours[i % len(colours)], markersize=9, clip_on=False)
        ax.plot([], [], "kx", label="lost: P(fail) >= 1/2, no lifetime")
        ax.set_ylim(bottom, top)
    ax.set_xticks(sorted({r[2] for r in rows}))
    ax.set_xlabel("readout interval R (rounds per readout)")
    ax.set_ylabel("logical error rate (1 / lifetime, per us)")
    ax.set_title("Logical error per unit time against the readout interval")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("plot:", out)


def decoder_latency(values, results, files, campaign_dir, out):
    key = "components.memory.decode_time"
    rows = []
    for point, v in values.items():
        r = results[point]
        rows.append((duration_us(v[key]), point, r["memory.error_per_operation"], r["memory.readouts_per_shot"][0],
                     r["memory.backlog"][0], r["memory.abandoned"][0]))
    rows.sort()
    print(f"{'decode (us)':>11} {'error/op':>10} {'interval':>22} {'cycles/shot':>11} {'mean backlog':>12} "
          f"{'abandoned':>9}")
    for t, _, (e, lo, hi), cycles, backlog, abandoned in rows:
        print(f"{t:>11.3g} {e:>10.4g} [{lo:.4g}, {hi:.4g}] {cycles:>11.1f} {backlog:>12.2f} {abandoned:>9.0f}")
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
    x = [r[0] for r in rows]
    e = [r[2][0] for r in rows]
    err = [[max(r[2][0] - r[2][1], 0) for r in rows], [max(r[2][2] - r[2][0], 0) for r in rows]]
    a1.errorbar(x, e, yerr=err, fmt="o-", capsize=3, label="logical error per operation")
    a1.set_xlabel("decode time per window (us)")
    a1.set_ylabel("logical error per feed-forward operation")
    a1.set_yscale("log")
    twin = a1.twinx()
    twin.plot(x, [r[3] for r in rows], "s--", color="grey", label="cycles per shot")
    twin.set_ylabel("readout cycles per shot", color="grey")
    a1.set_title("Cost of decoder latency")
    for t, point, *_ in rows:
        path = os.path.join(campaign_dir, files[point])
        if not os.path.exists(path):
            continue
        with h5py.File(path, "r") as f:
            if "trace/memory.readouts" not in f:
                continue
            tr = f["trace/memory.readouts"][:]
        first = tr[tr["shot"] == tr["shot"].min()]
        a2.step(first["time_ps"] * 1e-6, first["backlog"], where="post", label=f"{t:g} us")
    a2.set_xlabel("time (us)")
    a2.set_ylabel("readouts waiting at the decoder")
    a2.set_title("Backlog of the first shot, per decode time")
    a2.legend(fontsize=7, title="decode time")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("plot:", out)


def frequency_hz(text_value):
    number, unit = text_value.split()
    return float(number) * {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9}[unit]


def decoder_hardware(values, results, out):
    kc, kp, kr = ("components.memory." + k for k in ("decoder_clock", "decoder_pes", "decoder_resolution"))
    rows = []
    for point, v in values.items():
        r = results[point]
        pes = r["memory.decoder_pes"][0] if "memory.decoder_pes" in r else float(v.get(kp, 0))
        # one curve per PE count and resolution
        pes = (int(pes), int(v[kr])) if kr in v else (int(pes), None)
        rows.append((pes, frequency_hz(v[kc]) / 1e6, r["memory.error_per_operation"],
                     r["memory.time_per_operation"][0], r["memory.decode_latency"][0], r["memory.decode_cycles"][0],
                     r["memory.backlog"][0], r["memory.readouts_per_shot"][0], r["memory.abandoned"][0],
                     r["memory.cycle_duration"][0], r["memory.shots"][0]))
    rows.sort(key=lambda r: (-r[0][0], r[0][1] or 0, r[1]))
    print(f"{'PEs':>4} {'res':>3} {'clock (MHz)':>11} {'cycles/decode':>13} {'decode (us)':>11} {'backlog':>8} "
          f"{'cycles/shot':>11} {'abandoned':>9} {'error/op':>10} {'interval':>22} {'time/op (us)':>12}")
    for pes, mhz, (e, lo, hi), t_op, lat, cyc, backlog, per_shot, abandoned, _, _ in rows:
        print(f"{pes[0]:>4} {pes[1] or '':>3} {mhz:>11g} {cyc:>13.1f} {lat * 1e6:>11.3f} {backlog:>8.2f} {per_shot:>11.1f} "
              f"{abandoned:>9.0f} {e:>10.4g} [{lo:.4g}, {hi:.4g}] {t_op * 1e6:>12.3f}")
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    pe_counts = sorted({r[0][0] for r in rows}, reverse=True)
    resolutions = sorted({r[0][1] or 0 for r in rows})
    for i, pes in enumerate(sorted({r[0] for r in rows}, key=lambda k: (-k[0], k[1] or 0))):
        pts = sorted((r for r in rows if r[0] == pes), key=lambda r: r[1])
        c = colours[pe_counts.index(pes[0]) % len(colours)]
        style = ["-", "--", ":"][resolutions.index(pes[1] or 0) % 3]
        label = f"{pes[0]} PEs" + (f", {pes[1]} units per edge" if pes[1] else "")
        x = [r[1] for r in pts]
        kept = [r for r in pts if r[8] < r[10] / 2]  # most shots finished their operations
        a1.errorbar([r[1] for r in kept], [r[2][0] for r in kept],
                    yerr=[[max(r[2][0] - r[2][1], 0) for r in kept], [max(r[2][2] - r[2][0], 0) for r in kept]],
                    fmt="o", linestyle=style, color=c, capsize=3, label=label)
        lost = [r[1] for r in pts if r[8] >= r[10] / 2]
        if lost:
            a1.plot(lost, [0.5 * 0.8 ** i] * len(lost), "x", color=c, markersize=9)
        a2.plot(x, [r[4] * 1e6 for r in pts], "o", linestyle=style, color=c, label=label)
    a1.plot([], [], "kx", label="most shots abandoned (decoder behind)")
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xlabel("accelerator clock (MHz)")
    a1.set_ylabel("logical error per feed-forward operation")
    a1.set_title("Union-find accelerator: error per operation")
    a1.legend(fontsize=7)
    cycle_us = rows[0][9] * 1e6
    a2.axhline(4 * cycle_us, color="grey", linestyle="--", label=f"4 readouts ({4 * cycle_us:.2f} us)")
    a2.set_xscale("log")
    a2.set_yscale("log")
    a2.set_xlabel("accelerator clock (MHz)")
    a2.set_ylabel("mean decode latency per window (us)")
    a2.set_title("Decode latency against the readouts a window commits")
    a2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("plot:", out)


def neural_decoder(values, results, out):
    kb = "components.memory.nn_bits"
    kinds = [k for k in ("components.memory.nn_nm", "components.memory.nn_prune") if any(k in v for v in values.values())]
    rows = []
    for point, v in values.items():
        r = results[point]
        sparsity = " ".join(f"{k.rsplit('.', 1)[1]} {v[k]}" for k in kinds if k in v) or "dense"
        rows.append((sparsity, int(v[kb]), r["memory.logical_error"], r["memory.nn_cycles"][0],
                     r["memory.nn_macs"][0], r["memory.nn_nonzero_params"][0], r["memory.decode_latency"][0]))
    rows.sort(key=lambda r: (r[0], -r[1]))
    print(f"{'sparsity':>14} {'bits':>4} {'logical error':>13} {'interval':>18} {'cycles':>7} {'MACs':>7} "
          f"{'nonzero':>7} {'latency (us)':>12}")
    for sp, bits, (e, lo, hi), cyc, macs, nz, lat in rows:
        print(f"{sp:>14} {bits:>4} {e:>13.4f} [{lo:.4f}, {hi:.4f}] {cyc:>7.0f} {macs:>7.0f} {nz:>7.0f} "
              f"{lat * 1e6:>12.3f}")
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
    for sp in sorted({r[0] for r in rows}):
        pts = sorted((r for r in rows if r[0] == sp), key=lambda r: r[1])
        x = [r[1] for r in pts]
        a1.errorbar(x, [r[2][0] for r in pts], yerr=[[r[2][0] - r[2][1] for r in pts], [r[2][2] - r[2][0] for r in pts]],
                    fmt="o-", capsize=3, label=sp)
        a2.plot(x, [r[6] * 1e6 for r in pts], "o-", label=sp)
    a1.set_xlabel("weight bits")
    a1.set_ylabel("logical error per shot")
    a1.set_title("Neural decoder: accuracy against bit width and sparsity")
    a1.legend(fontsize=7)
    a2.set_xlabel("weight bits")
    a2.set_ylabel("decode latency, one inference (us)")
    a2.set_title("Neural decoder on the systolic array")
    a2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("plot:", out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.splitext(path)[0] + "-readout.png"
    values, results, files = load(path)
    keys = set().union(*(v.keys() for v in values.values()))
    if "components.memory.readout_every" in keys:
        readout_interval(values, results, out)
    elif "components.memory.nn_bits" in keys:
        neural_decoder(values, results, out)
    elif "components.memory.decoder_clock" in keys:
        decoder_hardware(values, results, out)
    elif "components.memory.decode_time" in keys:
        decoder_latency(values, results, files, os.path.dirname(os.path.abspath(path)), out)
    else:
        sys.exit(f"{path}: sweeps none of components.memory.readout_every, nn_bits, decoder_clock or decode_time")


if __name__ == "__main__":
    main()

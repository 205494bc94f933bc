#!/usr/bin/env python3
"""Logical error rate of the rotated surface code memory against physical error rate, per distance, under
circuit-level depolarizing noise: circuits generated as Stim's, decoded on their exact detector error models.
A sinter-style loop in plain Python over qdes:

    PYTHONPATH=build/python /usr/bin/python3 python/examples/surface_code_threshold.py --plot threshold.png

Each point samples until --max-errors logical errors or --max-shots shots, whichever comes first, and prints the
rate with its binomial standard error.
"""

import argparse
import math
import time

import qdes


def collect(distance, p, decoder_name, max_errors, max_shots, seed, batch=20_000):
    circuit = qdes.Circuit.generated("surface_code:rotated_memory_x", distance=distance, rounds=distance,
                                     after_clifford_depolarization=p, before_round_data_depolarization=p,
                                     before_measure_flip_probability=p, after_reset_flip_probability=p)
    decoder = qdes.Decoder(circuit.detector_error_model(decompose_errors=True), method=decoder_name)
    sampler = circuit.compile_detector_sampler(seed=seed)
    shots = errors = 0
    while errors < max_errors and shots < max_shots:
        n = min(batch, max_shots - shots)
        dets, obs = sampler.sample(n, separate_observables=True)
        errors += int((decoder.decode_batch(dets) != obs).any(axis=1).sum())
        shots += n
    return shots, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--distances", default="3,5,7")
    parser.add_argument("--p", default="0.002,0.004,0.006,0.008,0.01")
    parser.add_argument("--decoder", default="union_find", choices=qdes.decoder_methods(),
                        help="union_find (fast) or matching (exact minimum weight, about 100x slower at d = 7)")
    parser.add_argument("--max-errors", type=int, default=200)
    parser.add_argument("--max-shots", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plot", help="write the plot to this PNG file")
    args = parser.parse_args()
    distances = [int(d) for d in args.distances.split(",")]
    ps = [float(p) for p in args.p.split(",")]

    rows = []
    print(f"{'d':>3} {'p':>8} {'shots':>9} {'errors':>7} {'logical error':>14} {'+-':>9} {'s':>6}")
    for d in distances:
        for p in ps:
            t0 = time.perf_counter()
            shots, errors = collect(d, p, args.decoder, args.max_errors, args.max_shots, args.seed)
            rate = errors / shots
            err = math.sqrt(rate * (1 - rate) / shots)
            rows.append((d, p, shots, errors, rate, err))
            print(f"{d:>3} {p:>8.4f} {shots:>9} {errors:>7} {rate:>14.3e} {err:>9.1e} {time.perf_counter() - t0:>6.1f}",
                  flush=True)

    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4.5))
        for d in distances:
            pts = [r for r in rows if r[0] == d and r[3] > 0]
            ax.errorbar([r[1] for r in pts], [r[4] for r in pts], yerr=[r[5] for r in pts], marker="o",
                        capsize=3, label=f"d = {d}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("physical error rate p")
        ax.set_ylabel(f"logical error rate per shot ({args.decoder})")
        ax.set_title("rotated surface code memory X, d rounds, circuit-level noise")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()

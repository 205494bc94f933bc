#!/usr/bin/env python3
"""The Python API against the command line on the same work, in one invocation (bench/RESULTS.md):

    PYTHONPATH=build/python /usr/bin/python3 bench/python_api_bench.py [--shots 1000000] [--repeat 3]

1. sampling: `qdes detect --out-format b8` (a process writing a file) against CompiledDetectorSampler.sample into
   numpy, bit-packed and as bools, on Stim's surface d=5 p=0.005 reference circuit;
2. decoding: union-find decode_batch on 10^5 shots of the rotated surface code memory (d = 5, 5 rounds, p = 0.001),
   per shot and per detection event, against a Python loop of decode() calls;
3. a scenario: qdes.run of the M/M/1 default against `qdes run` of the same file.
Best of --repeat for each.
"""

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import qdes
from qdes import _build

SOURCE = Path(_build.SOURCE_DIR)
CIRCUIT = SOURCE.parent / "shared" / "reference" / "stim" / "surf_rot_z_d5_r5_p005.stim"


def best(f, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shots", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, r = args.shots, args.repeat
    exe = _build.QDES_EXECUTABLE
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "d.b8"
        cli = best(lambda: subprocess.run([exe, "detect", str(CIRCUIT), "--shots", str(n), "--seed", "1",
                                           "--out-format", "b8", "--out", str(out), "--no-progress"], check=True), r)
        circuit = qdes.Circuit.from_file(str(CIRCUIT))
        packed = best(lambda: circuit.compile_detector_sampler(seed=1).sample(
            n, append_observables=True, bit_packed=True), r)
        bools = best(lambda: circuit.compile_detector_sampler(seed=1).sample(n, separate_observables=True), r)
        print(f"sampling {n} shots of {CIRCUIT.name} ({circuit.num_detectors} detectors):")
        print(f"  qdes detect -> b8 file     {cli:8.3f} s")
        print(f"  sample(bit_packed=True)    {packed:8.3f} s   {cli / packed:5.2f}x the command's speed")
        print(f"  sample() as numpy bools    {bools:8.3f} s   {cli / bools:5.2f}x")

        surface = qdes.Circuit.generated("surface_code:rotated_memory_x", distance=5, rounds=5,
                                         after_clifford_depolarization=0.001, before_round_data_depolarization=0.001,
                                         before_measure_flip_probability=0.001, after_reset_flip_probability=0.001)
        decoder = qdes.UnionFind(surface.detector_error_model(decompose_errors=True))
        shots = 100_000
        dets, obs = surface.compile_detector_sampler(seed=2).sample(shots, separate_observables=True)
        events = int(dets.sum())
        batch = best(lambda: decoder.decode_batch(dets), r)
        loop = best(lambda: [decoder.decode(row) for row in dets[:20_000]], 1) * shots / 20_000
        print(f"union-find on {shots} shots, rotated surface d=5 r=5 p=0.001 ({events / shots:.2f} events per shot):")
        print(f"  decode_batch               {batch:8.3f} s   {batch / shots * 1e6:6.2f} us/shot, "
              f"{batch / events * 1e6:6.3f} us/event")
        print(f"  decode() in a Python loop  {loop:8.3f} s   {loop / shots * 1e6:6.2f} us/shot "
              f"(extrapolated from 20000)")

        scenario = SOURCE / "scenarios" / "queueing" / "mm1.yaml"
        cli_run = best(lambda: subprocess.run([exe, "run", str(scenario), "--out", tmp, "--overwrite", "-q",
                                               "--no-progress"], check=True), r)
        py_run = best(lambda: qdes.run(scenario, out=tmp, overwrite=True), r)
        print("M/M/1 default scenario (400 000 customers):")
        print(f"  qdes run                   {cli_run:8.3f} s")
        print(f"  qdes.run (and read back)   {py_run:8.3f} s   {cli_run / py_run:5.2f}x")


if __name__ == "__main__":
    main()

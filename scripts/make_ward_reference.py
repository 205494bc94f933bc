#!/usr/bin/python3
"""Writes tests/fixtures/nn/ward_reference.h5: random kernel sets and scipy's Ward linkage of each, for the test of
models/nn/cluster.h. Seeded; run with Debian's /usr/bin/python3 (python3-scipy, python3-h5py):

    /usr/bin/python3 scripts/make_ward_reference.py
"""
import os

import h5py
import numpy as np
import scipy
from scipy.cluster.hierarchy import linkage

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "nn", "ward_reference.h5")


def main():
    rng = np.random.default_rng(2024)
    # (points, dimensions): 3x3 and 5x5 kernels of small layers, a whole-filter set, and clustered data.
    shapes = [(2, 9), (10, 9), (37, 9), (64, 9), (16, 25), (48, 144)]
    with h5py.File(OUT + ".tmp", "w") as f:
        f.attrs["scipy"] = scipy.__version__
        f.attrs["method"] = "ward"
        for i, (n, d) in enumerate(shapes):
            x = rng.normal(0.0, 0.1, size=(n, d))
            if i == len(shapes) - 1:  # three well-separated groups: the top merges are large
                x += np.repeat(rng.normal(0.0, 1.0, size=(3, d)), [16, 16, 16], axis=0)
            x = x.astype(np.float32).astype(np.float64)  # the test reads the points as float32
            g = f.create_group(f"set{i}")
            g["points"] = x
            g["linkage"] = linkage(x, method="ward")
    os.replace(OUT + ".tmp", OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()

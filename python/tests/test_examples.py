"""The example scripts of the README run, on small inputs, and print what they promise."""

import os
import subprocess
import sys

import pytest


def run_example(source, name, *args):
    env = dict(os.environ)
    result = subprocess.run([sys.executable, str(source / "python" / "examples" / name), *args], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_surface_code_threshold(source, tmp_path):
    out = run_example(source, "surface_code_threshold.py", "--distances", "3,5", "--p", "0.002,0.01",
                      "--max-errors", "50", "--max-shots", "40000", "--plot", str(tmp_path / "t.png"))
    rows = [line.split() for line in out.splitlines()[1:] if line and line[0] == " "]
    rates = {(int(r[0]), float(r[1])): float(r[4]) for r in rows}
    assert len(rates) == 4
    # below threshold the larger code is better, above it worse (the crossing is near 0.6%)
    assert rates[(5, 0.002)] < rates[(3, 0.002)] and rates[(5, 0.01)] > rates[(3, 0.01)]
    assert (tmp_path / "t.png").stat().st_size > 10000


def test_accel_dataflows(source, reference, tmp_path):
    sc = reference / "scalesim"
    out = run_example(source, "accel_dataflows.py", "--config", str(sc / "configs_shipped" / "scale.cfg"),
                      "--topology", str(sc / "topologies" / "alexnet.csv"), "--plot", str(tmp_path / "a.png"))
    assert "fastest:" in out and "Conv5" in out
    assert (tmp_path / "a.png").stat().st_size > 10000

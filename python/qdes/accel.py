"""The accelerator model from Python: a SCALE-Sim configuration and topology in, the per-layer report out.

    import qdes
    layers = qdes.accel.run("scale.cfg", "resnet18.csv")      # a DataFrame, one row per layer
    layers["Total Cycles"].sum(), layers.attrs["total"]["Energy Total pJ"]
"""

import io as _io
import os as _os
from pathlib import Path as _Path

import pandas as _pd

from ._core import AccelOptions as _AccelOptions
from ._core import accel_report as _accel_report

__all__ = ["run", "read_report"]


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() and "." not in str(value) else number


def _report_frame(csv_text, run_name, mode):
    frame = _pd.read_csv(_io.StringIO(csv_text), skipinitialspace=True)
    frame = frame.loc[:, [c for c in frame.columns if not str(c).startswith("Unnamed")]]  # the trailing comma
    total = None
    if len(frame) and str(frame["LayerID"].iloc[-1]) == "total":
        total = {k: _number(v) for k, v in frame.iloc[-1].to_dict().items()}
        frame = frame.iloc[:-1].copy()
    frame["LayerID"] = frame["LayerID"].astype(int)
    frame = frame.set_index("LayerID")
    for column in frame.columns:  # back to numbers where the total row had made them text
        if frame[column].dtype == object:
            converted = _pd.to_numeric(frame[column], errors="coerce")
            if converted.notna().all():
                frame[column] = converted
    frame.attrs.update({"run_name": run_name, "mode": mode, "total": total})
    return frame


def run(config, topology, *, gemm=False, scalesim_compat=False, scalesim_mean="python", dram="ddr4_2400",
        dram_channels=0, clock="1 GHz", literal_depthwise=False, out=None, overwrite=False):
    """Runs a network (SCALE-Sim topology CSV; `gemm`: in Layer, M, N, K form) on the systolic array a SCALE-Sim
    .cfg describes, as `qdes accel` does, and returns the per-layer report as a DataFrame indexed by LayerID.

    Realistic mode (default): LAYER_REPORT.csv's columns (cycles, stalls, utilisation, DRAM and SRAM bytes,
    energy); ``.attrs["total"]`` holds the network's total row. `scalesim_compat`: SCALE-Sim v2's
    COMPUTE_REPORT.csv, exactly. With `out`, the command's report files are also written to OUT/<run_name>/.
    Bad files raise qdes.InputError with the file and line.
    """
    options = _AccelOptions()
    options.config = _os.fspath(config)
    options.topology = _os.fspath(topology)
    options.gemm = bool(gemm)
    options.scalesim_compat = bool(scalesim_compat)
    options.scalesim_mean = scalesim_mean
    options.dram = dram
    options.dram_channels = int(dram_channels)
    options.clock = clock
    options.literal_depthwise = bool(literal_depthwise)
    if out is None:
        run_name, mode, csv_text = _accel_report(options)
        return _report_frame(csv_text, run_name, mode)
    from . import _command
    args = ["--config", options.config, "--topology", options.topology, "--out", _os.fspath(out),
            "--scalesim-mean", scalesim_mean, "--dram", dram, "--dram-channels", str(options.dram_channels),
            "--clock", clock]
    args += [flag for flag, on in (("--gemm", gemm), ("--scalesim-compat", scalesim_compat),
                                   ("--literal-depthwise", literal_depthwise), ("--overwrite", overwrite)) if on]
    stdout = _command("accel", args, progress=False)
    report = next((line for line in stdout.splitlines() if line.startswith("output: ")), None)
    if report is None:
        raise RuntimeError("qdes accel printed no output line:\n" + stdout)
    path = _Path(report[len("output: "):].split(",")[0].strip())
    return _report_frame(path.read_text(), path.parent.name, "scalesim" if scalesim_compat else "realistic")


def read_report(path):
    """Reads a LAYER_REPORT.csv or COMPUTE_REPORT.csv that `qdes accel` wrote into the same DataFrame."""
    path = _Path(path)
    return _report_frame(path.read_text(), path.parent.name,
                         "scalesim" if path.name == "COMPUTE_REPORT.csv" else "realistic")

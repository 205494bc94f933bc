"""qdes.accel.run against SCALE-Sim v2's golden report and the command's own files."""

import pandas as pd
import pytest

import qdes


def test_scalesim_compat_equals_the_golden_report(reference):
    # SCALE-Sim v2's COMPUTE_REPORT.csv for alexnet_conv1 on a 32 x 32 ws array; the golden file was written by the
    # revision that averaged with numpy (protocols/inference/scalesim_reference.test.cc checks the bytes).
    sc = reference / "scalesim"
    report = qdes.accel.run(sc / "v2_runs" / "sa32_ws.cfg", sc / "topologies" / "alexnet_conv1.csv",
                            scalesim_compat=True, scalesim_mean="numpy")
    golden = qdes.accel.read_report(sc / "v2_golden" / "COMPUTE_REPORT.csv")
    assert report.attrs["mode"] == "scalesim"
    pd.testing.assert_frame_equal(report, golden, check_dtype=False)


def test_realistic_report(tmp_path, reference):
    sc = reference / "scalesim"
    layers = qdes.accel.run(sc / "configs_shipped" / "scale.cfg", sc / "topologies" / "alexnet.csv")
    assert list(layers["Layer"]) == ["Conv1", "Conv2", "Conv3", "Conv4", "Conv5"]
    assert layers.index.name == "LayerID" and list(layers.index) == [0, 1, 2, 3, 4]
    total = layers.attrs["total"]
    assert total["MACs"] == layers["MACs"].sum()
    # Conv1: a 55 x 55 output, 96 filters of 11 x 11 x 3
    assert layers.loc[0, "MACs"] == 55 * 55 * 96 * 11 * 11 * 3
    # every layer's cycles are at least its MACs spread over the array's PEs
    assert (layers["Compute Cycles"] * 32 * 32 >= layers["MACs"]).all()
    written = qdes.accel.run(sc / "configs_shipped" / "scale.cfg", sc / "topologies" / "alexnet.csv", out=tmp_path)
    pd.testing.assert_frame_equal(written, layers)
    assert list(tmp_path.glob("*/accel_report.h5"))


def test_bad_accelerator_input(tmp_path, reference):
    bad = tmp_path / "bad.csv"
    bad.write_text("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
                   "conv1, 224, 224, 11, eleven, 3, 96, 4,\n")
    with pytest.raises(qdes.InputError, match="bad.csv:2"):
        qdes.accel.run(reference / "scalesim" / "configs_shipped" / "scale.cfg", bad)
    with pytest.raises(ValueError, match="DRAM|dram|preset"):
        qdes.accel.run(reference / "scalesim" / "configs_shipped" / "scale.cfg",
                       reference / "scalesim" / "topologies" / "alexnet.csv", dram="ddr9")

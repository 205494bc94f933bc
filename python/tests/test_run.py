"""qdes.run, qdes.sweep, read_run and read_campaign against queueing theory and the command line's files."""

import math

import pytest

import qdes

MM1 = "scenarios/queueing/mm1.yaml"


def mm1_dict(customers=20000):
    # M/M/1 at load rho = 0.8 (scenarios/queueing/mm1.yaml), shorter.
    return {
        "name": "mm1_py",
        "seed": 3,
        "warmup": "2 ms",
        "stop": {"when": {"statistic": "sink.absorbed", "at_least": customers}},
        "components": {
            "arrivals": {"kind": "source", "interarrival": "1.25 us"},
            "queue": {"kind": "queue"},
            "server": {"kind": "server", "servers": 1, "service": "1 us"},
            "sink": {"kind": "sink"},
        },
        "links": [
            {"from": "arrivals.out", "to": "queue.in"},
            {"from": "queue.out", "to": "server.in"},
            {"from": "server.credit", "to": "queue.credit"},
            {"from": "server.out", "to": "sink.in"},
        ],
        "record": {"trace": ["sink.jobs"]},
    }


def test_run_returns_statistics_that_match_theory(tmp_path, source):
    run = qdes.run(source / MM1, set={"stop.when.at_least": 100000}, out=tmp_path)
    assert run.status == "completed" and run.path == tmp_path / "mm1.h5"
    assert run.scenario["stop"]["when"]["at_least"] == 100000
    # Theory (Kleinrock vol. 1, 3.2): utilisation rho = 0.8, mean wait in queue Wq = rho / (mu - lambda) = 4 us;
    # each within 5 of the run's batch-means standard errors.
    util = run.statistic("server.utilization")
    assert abs(util["mean"] - 0.8) < 5 * util["std_error"]
    wait = run.statistic("queue.wait")
    assert wait["unit"] == "s" and abs(wait["mean"] - 4e-6) < 5 * wait["std_error"]
    jobs = run.table("sink.jobs")
    assert run.statistic("sink.absorbed")["count"] == 100000 < len(jobs)  # the trace has the warm-up's too
    assert list(jobs.columns)[:2] == ["id", "created_ps"]
    # the trace's own waits average to the statistic (it covers the warm-up too: 2 s.e. of slack is not enough)
    traced = (jobs["service_start_ps"] - jobs["created_ps"]).mean() * 1e-12
    assert abs(traced - 4e-6) < 0.5e-6
    assert "qdes run" in run.command_line and "--set" in run.command_line
    assert run.summary.set_index("name").loc["events", "value"] > 0


def test_run_of_a_dict_keeps_the_scenario_beside_the_results(tmp_path):
    run = qdes.run(mm1_dict(), out=tmp_path, seed=8)
    assert run.seed == 8
    assert (tmp_path / "mm1_py.scenario.yaml").exists()
    with pytest.raises(qdes.InputError, match="exists"):
        qdes.run(mm1_dict(), out=tmp_path, seed=8)
    again = qdes.run(mm1_dict(), out=tmp_path, seed=8, overwrite=True)
    assert again.statistics.equals(run.statistics)  # one seed, one result


def test_bad_input_raises_with_file_line_and_key(tmp_path, source):
    with pytest.raises(qdes.InputError) as e:
        qdes.run(source / MM1, set={"components.server.servers": "many"}, out=tmp_path)
    message = str(e.value)
    assert "components.server.servers" in message and "nothing was run" in message
    assert not list(tmp_path.iterdir())  # no output claims success
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncomponents:\n  a: {kind: sorce}\n")
    with pytest.raises(qdes.InputError, match=r"bad.yaml:3:.*sorce.*did you mean"):
        qdes.run(bad, out=tmp_path / "out")
    with pytest.raises(qdes.InputError, match="no such qdes run file"):
        qdes.read_run(tmp_path / "none.h5")
    with pytest.raises(TypeError):
        qdes.run(42)


def test_load_scenario_fills_defaults(source):
    s = qdes.load_scenario(source / MM1, set={"components.server.servers": 2})
    assert s["components"]["server"]["servers"] == 2 and s["name"] == "mm1"


def test_sweep_returns_the_campaign(tmp_path):
    scenario = mm1_dict(customers=5000)
    scenario["name"] = "mm1_sweep"
    scenario["sweep"] = {"grid": {"components.server.service": ["0.5 us", "1 us"]}}
    campaign = qdes.sweep(scenario, out=tmp_path, jobs=2)
    assert len(campaign.points) == 2 and set(campaign.points["status"]) == {"completed"}
    summary = campaign.summary
    assert len(summary) == 2
    column = "server.utilization"
    # rho = lambda / mu = 0.4 and 0.8
    assert summary[column].iloc[0] == pytest.approx(0.4, abs=0.05)
    assert summary[column].iloc[1] == pytest.approx(0.8, abs=0.05)
    point = campaign.run(1)
    assert point.status == "completed" and math.isclose(point.statistic(column)["mean"], summary[column].iloc[1])
    # a second call finds every point complete and runs nothing
    again = qdes.sweep(scenario, out=tmp_path, jobs=2)
    assert set(again.points["status"]) == {"skipped"}


def test_interrupted_run_raises_keyboard_interrupt_and_keeps_its_file(tmp_path, source):
    # SIGINT during a run stops it as Ctrl-C stops `qdes run`: the run file is closed, readable, status failed.
    import os
    import signal
    import threading
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt, match="interrupted by SIGINT"):
            qdes.run(source / MM1, set={"stop.when.at_least": 10**9, "record.trace": []}, out=tmp_path)
    finally:
        timer.cancel()
    run = qdes.read_run(tmp_path / "mm1.h5")
    assert run.status == "failed" and "interrupted by SIGINT" in run.status_message
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's handler is back


def test_a_systemc_model_from_a_shared_library_runs_as_on_the_command_line(tmp_path, source, qdes_program):
    # The example closed-page DRAM plugin finds qdes's model registry in the Python module as in the program; the
    # run's cycle count is the command line's.
    import subprocess
    from pathlib import Path
    plugin = Path(qdes_program).parent.parent / "lib" / "libqdes_closed_page_dram.so"
    overrides = {"components.accel.dram_model": "closed_page_dram",
                 "components.accel.dram_model_library": str(plugin)}
    scenario = source / "scenarios" / "accel" / "pruned_quantized_gemm.yaml"
    ours = qdes.run(scenario, set=overrides, out=tmp_path / "py")
    command = [qdes_program, "run", str(scenario), "--out", str(tmp_path / "cli"), "-q"]
    for k, v in overrides.items():
        command += ["--set", f"{k}={v}"]
    subprocess.run(command, check=True)
    theirs = qdes.read_run(tmp_path / "cli" / "pruned_quantized_gemm.h5")
    assert ours.statistic("accel.cycles")["mean"] == theirs.statistic("accel.cycles")["mean"] > 0
    builtin = qdes.run(scenario, out=tmp_path / "builtin")
    assert builtin.statistic("accel.cycles")["mean"] != ours.statistic("accel.cycles")["mean"]

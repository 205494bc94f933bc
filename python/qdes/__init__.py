"""qdes from Python: circuits, sampling, detector error models and decoders, scenario runs and sweeps, and the
accelerator model, over the same C++ core as the ``qdes`` command.

Names mirror Stim's and PyMatching's where they mean the same thing::

    import qdes
    circuit = qdes.Circuit.generated("surface_code:rotated_memory_x", distance=5, rounds=5,
                                     after_clifford_depolarization=0.001)
    dets, obs = circuit.compile_detector_sampler(seed=1).sample(100_000, separate_observables=True)
    decoder = qdes.Matching.from_detector_error_model(circuit.detector_error_model(decompose_errors=True))
    errors = (decoder.decode_batch(dets) != obs).any(axis=1).sum()

    result = qdes.run("scenarios/queueing/mm1.yaml", set={"stop.time": "1 s"}, out="results")
    result.statistics                    # a pandas DataFrame, one row per statistic

Errors are exceptions carrying the command line's messages: ``CircuitError`` and ``DemFormatError`` (with
``.file`` and ``.line``), ``InputError`` for a scenario or input file the command line would refuse,
``SimulationError`` for a run that failed. All derive from ``qdes.Error``.
"""

import json as _json
import os as _os
import shlex as _shlex
import sys as _sys
from pathlib import Path as _Path

from . import _build

# The module's symbols are made global so that a SystemC model in a shared library (dram_model_library:) finds
# qdes's registry in it, as it finds it in the qdes program.
_flags = _sys.getdlopenflags()
_sys.setdlopenflags(_flags | _os.RTLD_GLOBAL)
try:
    from . import _core
finally:
    _sys.setdlopenflags(_flags)
from ._core import (
    Circuit,
    CompiledDetectorSampler,
    CircuitError,
    Decoder,
    DemFormatError,
    DetectorErrorModel,
    Error,
    InputError,
    SimulationError,
    decoder_methods,
    version,
)
from ._core import resolve_scenario as _resolve_scenario
from ._core import run_cli as _run_cli
from ._core import set_qdes_executable as _set_qdes_executable
from ._results import Campaign, Run, read_campaign, read_run
from . import accel

__version__ = version()

__all__ = [
    "Campaign", "Circuit", "CircuitError", "CompiledDetectorSampler", "Decoder", "DemFormatError",
    "DetectorErrorModel", "Error", "InputError", "Matching", "Run", "SimulationError", "UnionFind", "accel",
    "decoder_methods", "load_scenario", "read_campaign", "read_run", "run", "sweep", "version",
]

_set_qdes_executable(_build.QDES_EXECUTABLE)


class Matching(Decoder):
    """The exact minimum-weight matching decoder, named as PyMatching's class."""

    def __init__(self, model):
        super().__init__(model, method="matching")

    @classmethod
    def from_detector_error_model(cls, model):
        return cls(model)


class UnionFind(Decoder):
    """The union-find decoder (Delfosse and Nickerson), the same interface as Matching."""

    def __init__(self, model):
        super().__init__(model, method="union_find")

    @classmethod
    def from_detector_error_model(cls, model):
        return cls(model)


def _override_text(key, value):
    """`--set KEY=VALUE` text: strings as written (so "250 ns" stays a duration), everything else as JSON, which
    the scenario loader reads as YAML."""
    if not isinstance(key, str) or not key:
        raise TypeError(f"set: keys are key paths such as 'components.server.servers', got {key!r}")
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        try:
            text = _json.dumps(value)
        except TypeError:
            raise TypeError(f"set: {key}: a {type(value).__name__} cannot be written in a scenario") from None
    return f"{key}={text}"


def _scenario_file(scenario, out):
    """The file `qdes run` reads for `scenario`: a path as given, "" for the embedded default, or a dict written
    as YAML into `out` (kept there beside the results)."""
    if scenario is None:
        return ""
    if isinstance(scenario, dict):
        import yaml
        name = scenario.get("name")
        if not isinstance(name, str) or not name:
            raise InputError("a scenario given as a dict needs a 'name' (it names the output file)")
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{name}.scenario.yaml"
        path.write_text(yaml.safe_dump(scenario, sort_keys=False))
        return str(path)
    if isinstance(scenario, (str, _os.PathLike)):
        return _os.fspath(scenario)
    raise TypeError(f"scenario: a file path, a dict or None, not {type(scenario).__name__}")


def _overrides(set, seed):
    items = [] if set is None else [_override_text(k, v) for k, v in dict(set).items()]
    if seed is not None:
        items.append(f"seed={int(seed)}")
    return items


def load_scenario(scenario=None, *, set=None, seed=None):
    """The scenario as `qdes run` would run it, every default filled in (a dict); InputError lists every problem
    with its file, line and key."""
    file = _scenario_file(scenario, _Path("."))
    return _json.loads(_resolve_scenario(file, _overrides(set, seed)))


def _command(command, args, *, progress):
    """Runs a qdes command in this process. Its messages go to this process's stderr as well when `progress`."""
    for stream in (_sys.stdout, _sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError):
            pass
    line = "qdes " + " ".join(_shlex.quote(a) for a in [command, *args])
    code, err, out = _run_cli(command, args, line, echo_stderr=progress)
    if code == 0:
        if err and not progress:
            _sys.stderr.write(err)  # warnings
        return out
    message = err.strip() or f"qdes {command} exited with code {code}"
    if "interrupted" in message and ("SIGINT" in message or "qdes sweep: interrupted" in message):
        raise KeyboardInterrupt(message)
    if code == 2:
        raise InputError(message)
    raise SimulationError(message)


def run(scenario=None, *, set=None, out=".", seed=None, overwrite=False, progress=False):
    """Runs a scenario (a file, a dict, or None for the embedded M/M/1 default) as `qdes run` does and returns
    its results (a Run: statistics, summary and trace tables as pandas DataFrames).

    `set` maps key paths to values, as `--set`; the run file is OUT/<name>.h5. A checkpointed run that was
    interrupted continues when called again with the same arguments.
    """
    out = _Path(out)
    file = _scenario_file(scenario, out)
    overrides = _overrides(set, seed)
    name = _json.loads(_resolve_scenario(file, overrides))["name"]
    args = ([file] if file else []) + ["--out", str(out), "-q"]
    args += ["--progress"] if progress else ["--no-progress"]
    if overwrite:
        args.append("--overwrite")
    for o in overrides:
        args += ["--set", o]
    _command("run", args, progress=progress)
    return read_run(out / f"{name}.h5")


def sweep(scenario, *, set=None, out=None, jobs=None, progress=False):
    """Runs every point of the scenario's sweep: block as `qdes sweep` does (points already complete are kept)
    and returns the Campaign: one row per point in .summary, with each swept value and statistic."""
    overrides = _overrides(set, None)
    file = _scenario_file(scenario, _Path(out) if out is not None else _Path("."))
    name = _json.loads(_resolve_scenario(file, overrides))["name"]
    out = _Path(out) if out is not None else _Path(f"{name}-sweep")
    args = [file, "--out", str(out), "-q"]
    args += ["--progress"] if progress else ["--no-progress"]
    if jobs is not None:
        args += ["--jobs", str(int(jobs))]
    for o in overrides:
        args += ["--set", o]
    _command("sweep", args, progress=progress)
    return read_campaign(out / f"{name}-campaign.h5")

"""Run files (docs/trace_schema.md) and campaign files (sim/campaign.h) read into pandas."""

import json
from pathlib import Path

import h5py
import pandas as pd

from ._core import InputError


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _frame(dataset):
    """A compound HDF5 table as a DataFrame, strings decoded."""
    data = dataset[()]
    frame = pd.DataFrame(data) if data.dtype.names else pd.DataFrame({dataset.name.rsplit("/", 1)[-1]: data})
    for column in frame.columns:
        if frame[column].dtype == object or frame[column].dtype.kind == "S":
            frame[column] = [_text(v).rstrip("\0") for v in frame[column]]
    return frame


def _open(path, expected_format, what):
    path = Path(path)
    if not path.exists():
        partial = Path(str(path) + ".partial")
        hint = f" ({partial.name} exists: the run is in progress or was killed)" if partial.exists() else ""
        raise InputError(f"{path}: no such {what}{hint}")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"{path}: not an HDF5 file ({e})") from None
    found = _text(f.attrs.get("format", ""))
    if found != expected_format:
        f.close()
        raise InputError(f"{path}: not a {what} (format attribute {found!r}, expected {expected_format!r})")
    return f


class Run:
    """A run file: its status, resolved scenario, statistics, summary and trace tables.

    ``statistics`` and ``summary`` are DataFrames (docs/trace_schema.md's /stats and /summary);
    ``tables`` names the trace tables and ``table(name)`` reads one, e.g. ``run.table("sink.jobs")``.
    """

    def __init__(self, path):
        self.path = Path(path)
        with _open(self.path, "qdes-run", "qdes run file") as f:
            self.status = _text(f.attrs["status"])
            self.status_message = _text(f.attrs.get("status_message", ""))
            meta = f["meta"]
            self.scenario = json.loads(_text(meta["scenario_json"][()]))
            self.seed = int(meta.attrs["seed"])
            self.code_version = _text(meta.attrs.get("code_version", ""))
            self.command_line = _text(meta.attrs.get("command_line", ""))
            self.statistics = _frame(f["stats"]) if "stats" in f else pd.DataFrame()
            self.summary = _frame(f["summary"]) if "summary" in f else pd.DataFrame()
            self.stop_reason = _text(f["summary"].attrs["stop_reason"]) if "summary" in f and \
                "stop_reason" in f["summary"].attrs else None
            self.tables = sorted(f["trace"].keys()) if "trace" in f else []

    @property
    def name(self):
        return self.scenario.get("name", self.path.stem)

    def table(self, name):
        """A trace table (``component.table``) as a DataFrame; times in integer picoseconds."""
        if name not in self.tables:
            raise KeyError(f"{self.path}: no trace table {name!r}; it has {', '.join(self.tables) or 'none'}")
        with h5py.File(self.path, "r") as f:
            return _frame(f["trace"][name])

    def statistic(self, name):
        """One statistic's row (mean, std_error, unit, ...) as a dict."""
        rows = self.statistics[self.statistics["name"] == name]
        if rows.empty:
            raise KeyError(f"{self.path}: no statistic {name!r}; it has {', '.join(self.statistics['name'])}")
        return rows.iloc[0].to_dict()

    def __repr__(self):
        return f"<qdes.Run {self.name} {self.status}: {len(self.statistics)} statistics, tables {self.tables}>"


class Campaign:
    """A sweep's campaign file: ``summary`` (one row per point, wide: the swept values and every statistic with
    its ``:std_error``), ``results`` (long: point, statistic, value, ...), ``points`` and ``values``;
    ``run(i)`` reads point i's run file."""

    def __init__(self, path):
        self.path = Path(path)
        with _open(self.path, "qdes-campaign", "qdes campaign file") as f:
            self.scenario_file = _text(f.attrs.get("scenario_file", ""))
            self.command_line = _text(f.attrs.get("command_line", ""))
            self.sweep = json.loads(_text(f["sweep_json"][()])) if "sweep_json" in f else {}
            self.points = _frame(f["points"])
            self.values = _frame(f["values"]) if "values" in f else pd.DataFrame()
            self.results = _frame(f["results"]) if "results" in f else pd.DataFrame()
            self.summary = _frame(f["summary"]) if "summary" in f else pd.DataFrame()

    def run(self, index):
        """The run file of point `index` (its number in .points)."""
        rows = self.points[self.points["index"] == index]
        if rows.empty:
            raise KeyError(f"{self.path}: no point {index}")
        return Run(self.path.parent / rows.iloc[0]["file"])

    def __repr__(self):
        done = int((self.points["status"].isin(["completed", "skipped"])).sum()) if len(self.points) else 0
        return f"<qdes.Campaign {self.path.name}: {len(self.points)} points, {done} complete>"


def read_run(path):
    """Reads a run file (what `qdes run` writes) into a Run."""
    return Run(path)


def read_campaign(path):
    """Reads a campaign file (what `qdes sweep` writes) into a Campaign."""
    return Campaign(path)


__all__ = ["Campaign", "Run", "read_campaign", "read_run"]

#!/usr/bin/env python3
"""Writes an HDF5 file's groups, attributes and datasets as a recipe that fuzz/hdf5.cc builds back into a file:
the seeds of fuzz/corpus/hdf5/ are qdes's own run and campaign files in this form.

    /usr/bin/python3 fuzz/h5_recipe.py RUN.h5 > fuzz/corpus/hdf5/NAME.recipe

One record per line, fields separated by tabs (values hold no tab or newline):
    group  PATH
    attr   PATH NAME TYPE VALUE          TYPE: s (string), u (uint64), i (int64), d (double), b (uint8)
    string PATH VALUE                    a scalar string dataset
    table  PATH NAME:TYPE ...            a 1-D compound dataset, then its rows:
    row    VALUE ...
"""

import sys

import h5py
import numpy as np


def kind(dtype):
    if dtype.kind == "O" or h5py.check_string_dtype(dtype):
        return "s"
    if dtype.kind == "u":
        return "b" if dtype.itemsize == 1 else "u"
    if dtype.kind == "i":
        return "i"
    if dtype.kind == "f":
        return "d"
    raise SystemExit(f"unsupported type {dtype}")


def text(value):
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    s = str(value)
    if "\t" in s or "\n" in s:
        raise SystemExit(f"a value holds a tab or newline: {s[:40]!r}")
    return s


def attrs(path, obj, out):
    for name, value in obj.attrs.items():
        a = obj.attrs.get_id(name)
        out.append(f"attr\t{path}\t{name}\t{kind(a.dtype)}\t{text(value)}")


def main():
    f = h5py.File(sys.argv[1], "r")
    out = []
    attrs("/", f, out)

    def visit(name, obj):
        path = "/" + name
        if isinstance(obj, h5py.Group):
            out.append(f"group\t{path}")
        elif obj.shape == ():
            out.append(f"string\t{path}\t{text(obj[()])}")
        else:
            fields = obj.dtype.names
            out.append("table\t" + path + "\t" + "\t".join(f"{n}:{kind(obj.dtype[n])}" for n in fields))
            for row in obj[:]:
                out.append("row\t" + "\t".join(text(row[n]) for n in fields))
        attrs(path, obj, out)

    f.visititems(visit)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

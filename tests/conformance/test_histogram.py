"""`stats --histogram N --json` against np.histogram on every generated fixture checkpoint.

For each float, integer and bool tensor (without finite values: numpy's range 0..1), and N in 1, 7, 64, 1000, on the automatic
kernel path and with TSCOPE_PORTABLE_KERNELS=1: the histogram's range is numpy's (the finite values' min and
max; a single value widened by 0.5 each way), and its edges and counts equal
np.histogram(values, bins=N, range=(lo, hi)) exactly, the values as numpy sees them: float32, and float16,
bfloat16 and float8 after astype(float32) (numpy then bins against float32 edges); float64, integers and
bool as they are (float64 edges). NaN, +Inf and -Inf are counted apart. A second run with a `--range` inside
the values checks the values numpy drops (outside the range) are the ones we count as below/above.
Where numpy cannot bin there is nothing to compare: its edges coincide (numpy 2 refuses, "Too many bins for
data range"; numpy 1.26 bins anyway and its one-step index correction then puts values into bins [e, e) that
by its own definition are empty; ours hold nothing there), or (v - lo) overflows float32 (numpy 1.26 and 2
index out of bounds; we estimate in float64), or numpy 1.26's value-based casting bins float32 in float64
because a range end is +/-FLT_MAX (numpy 2 bins it in float32, as we do). These are counted, and must be
fewer than the histograms compared.
"""
from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import pytest

import conftest as H

CASES = H.fixture_case_names()
UNCOMPARED = []  # histograms numpy cannot compute (see the module doc)
BIN_COUNTS = (1, 7, 64, 1000)
PATHS = {"auto": {}, "portable": {"TSCOPE_PORTABLE_KERNELS": "1"}}


def numpy_values(exp: H.Expected):
    """The tensor as numpy bins it (see the module doc), or None for dtypes this test leaves out."""
    v = H.numpy_values(exp)
    return None if v is None else (v.astype(np.float32) if exp.dtype == "float16" else v)


def stats_json(path, env_extra: dict, *args: str) -> dict:
    proc = subprocess.run([str(H.CLI_PATH), "stats", str(path), "--json", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=H.CLI_TIMEOUT_S,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen", **env_extra))
    doc = json.loads(proc.stdout.decode("utf-8"))
    assert doc.get("schema") == "tensorscope.stats/1", proc.stderr.decode("utf-8", "replace")[:400]
    return doc


def numpy_histogram(v: np.ndarray, bins: int, lo: float, hi: float):
    """np.histogram's (counts, edges), or None where numpy cannot bin (see the module doc)."""
    if v.dtype == np.bool_:
        v = v.view(np.uint8)  # what np.histogram does itself, with a warning
    try:
        counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    except ValueError as e:
        if "Too many bins" in str(e):
            return None
        raise
    except IndexError:  # (v - lo) overflowed to Inf, cast to an index
        return None
    if np.any(edges[:-1] >= edges[1:]):  # numpy 1.26 does not refuse these, numpy 2 does
        return None
    if v.dtype == np.float32 and edges.dtype != np.float32:  # numpy 1.26's value-based casting
        return None
    return counts, edges


def problems_of(h: dict, v: np.ndarray, bins: int, lo: float, hi: float, what: str) -> list:
    """Differences between the CLI's histogram record `h` and numpy's over [lo, hi]."""
    out = []
    if h is None:
        return [what + ": no histogram"]
    want = numpy_histogram(v, bins, lo, hi)
    if want is None:
        UNCOMPARED.append(what)
        return []
    counts, edges = want
    if h.get("bins") != bins or h.get("lo") != lo or h.get("hi") != hi:
        out.append("%s: bins/lo/hi %r %r %r, numpy %r %r %r" % (what, h.get("bins"), h.get("lo"), h.get("hi"),
                                                                 bins, lo, hi))
    if h.get("edges") != [float(e) for e in edges]:
        out.append("%s: edges differ from numpy's (%s)" % (what, edges.dtype))
    got = h.get("counts")
    if got != [int(c) for c in counts]:
        diff = [i for i in range(bins) if got is None or i >= len(got) or got[i] != counts[i]]
        out.append("%s: counts differ from numpy's in %d bins, first %d: %r vs %r" % (
            what, len(diff), diff[0], got[diff[0]] if got and diff[0] < len(got) else None, int(counts[diff[0]])))
    floats = v.astype(np.float64) if v.dtype.kind == "f" else None
    nan = int(np.isnan(floats).sum()) if floats is not None else 0
    pos = int(np.isposinf(floats).sum()) if floats is not None else 0
    neg = int(np.isneginf(floats).sum()) if floats is not None else 0
    dropped = v.size - nan - pos - neg - int(counts.sum())
    if (h.get("nan"), h.get("posinf"), h.get("neginf")) != (nan, pos, neg):
        out.append("%s: nan/posinf/neginf %r, numpy %r" % (what, (h.get("nan"), h.get("posinf"), h.get("neginf")),
                                                           (nan, pos, neg)))
    if h.get("below", 0) + h.get("above", 0) != dropped:
        out.append("%s: below+above %r+%r, numpy dropped %d" % (what, h.get("below"), h.get("above"), dropped))
    return out


def finite_of(v: np.ndarray) -> np.ndarray:
    return v[np.isfinite(v)] if v.dtype.kind == "f" else v


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("name", CASES)
def test_histogram_matches_numpy(name, path):
    UNCOMPARED.clear()
    case = H.load_case(name)
    problems, checked = [], 0
    for view in case.checkpoints:
        expected = {e.key: e for e in case.expected(view)}
        for bins in BIN_COUNTS:
            doc = stats_json(view.cli_path, PATHS[path], "--histogram", str(bins))
            for record in doc["tensors"]:
                exp = expected.get(record["key"])
                if exp is None or record.get("error"):
                    continue
                v = numpy_values(exp)
                if v is None:
                    continue
                finite = finite_of(v)
                if finite.size == 0:  # numpy's range without values: 0..1 (we count NaN and Inf apart)
                    lo, hi = 0.0, 1.0
                else:
                    lo, hi = float(finite.min()), float(finite.max())
                if lo == hi:  # numpy widens a single value's range
                    lo, hi = lo - 0.5, hi + 0.5
                what = "%s %s %s N=%d (%s)" % (exp.origin, exp.key, exp.dtype, bins, path)
                with np.errstate(all="ignore"):
                    problems += problems_of(record.get("histogram"), v, bins, lo, hi, what)
                checked += 1
    if checked == 0:
        pytest.skip("no numeric tensors with finite values in %s" % name)
    H.assert_no_problems(problems, name)
    assert len(UNCOMPARED) < checked, "numpy could not bin most: %s" % UNCOMPARED[:20]


@pytest.mark.parametrize("name", CASES)
def test_histogram_range_drops_outside_values(name):
    """--range LO,HI inside the values (ends that are not float32 numbers): numpy's counts and drops."""
    case = H.load_case(name)
    problems, checked = [], 0
    for view in case.checkpoints:
        expected = {e.key: e for e in case.expected(view)}
        for exp in expected.values():
            v = numpy_values(exp)
            if v is None or finite_of(v).size < 3:
                continue
            finite = finite_of(v).astype(np.float64)
            lo_v, hi_v = float(finite.min()), float(finite.max())
            if not (hi_v > lo_v) or not np.isfinite(hi_v - lo_v):
                continue
            lo, hi = lo_v + (hi_v - lo_v) * 0.1, hi_v - (hi_v - lo_v) * 0.3
            doc = stats_json(view.cli_path, {}, exp.key, "--histogram", "7", "--range=%r,%r" % (lo, hi))
            record = doc["tensors"][0]
            if record.get("error"):
                continue
            with np.errstate(all="ignore"):
                problems += problems_of(record.get("histogram"), v, 7, lo, hi,
                                        "%s %s %s --range %r,%r" % (exp.origin, exp.key, exp.dtype, lo, hi))
            checked += 1
            break  # one tensor per checkpoint keeps the runs few
    if checked == 0:
        pytest.skip("no numeric tensors with a range in %s" % name)
    H.assert_no_problems(problems, name)

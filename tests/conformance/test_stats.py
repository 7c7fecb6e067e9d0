"""`stats --json` against numpy on every generated fixture checkpoint (the values TensorFlow wrote).

For each float, integer and bool tensor: count, NaN, Inf and zero counts and min/max are exact; mean, std
(population, ddof=0) and L2 norm agree with numpy in float64 within a relative 1e-9 (plus 1e-12 of the
largest magnitude, for values near 0); where numpy's float64 overflows (std of float64 extremes), so does
ours, and both say Infinity. The kernels sum in float64 in a fixed order on every path (AVX2 or
portable, any thread count; tests/model/tst_kernel_paths checks that they are bit-identical), numpy
sums pairwise: the two orders differ by far less than this tolerance on any CPU.
"""
from __future__ import annotations

import numpy as np
import pytest

import conftest as H

CASES = H.fixture_case_names()


def values_of(exp: H.Expected):
    """The tensor as float64 (numpy's view of the values), or None for dtypes this test leaves out (float8)."""
    v = H.numpy_values(exp, float8=False)
    return None if v is None else v.astype(np.float64)


def number(x):
    """A JSON number or special value ("NaN", "Infinity", "-Infinity") as a float; None stays None."""
    return float(x) if isinstance(x, str) else x


def close(got, want, scale) -> bool:
    got = number(got)
    if got is None:
        return False
    if got == want:  # also both infinite (the L2 norm of float64 extremes overflows on both sides)
        return True
    return abs(got - want) <= 1e-9 * abs(want) + 1e-12 * scale


def problems_of(record: dict, exp: H.Expected, v: np.ndarray) -> list:
    finite = v[np.isfinite(v)]
    out = []

    def check(name, ok, want):
        if not ok:
            out.append("%s %s: %r, numpy %r" % (exp.origin, exp.key, record.get(name), want) + " [" + name + "]")

    check("count", record.get("count") == v.size, v.size)
    check("nan", record.get("nan") == int(np.isnan(v).sum()), int(np.isnan(v).sum()))
    check("inf", record.get("inf") == int(np.isinf(v).sum()), int(np.isinf(v).sum()))
    check("zeros", record.get("zeros") == int((v == 0).sum()), int((v == 0).sum()))
    if finite.size == 0:
        check("min", record.get("min") is None, None)
        return out
    scale = float(np.abs(finite).max())
    check("min", number(record.get("min")) == float(finite.min()), float(finite.min()))
    check("max", number(record.get("max")) == float(finite.max()), float(finite.max()))
    check("mean", close(record.get("mean"), float(finite.mean()), scale), float(finite.mean()))
    check("std", close(record.get("std"), float(finite.std()), scale), float(finite.std()))
    l2 = float(np.sqrt(np.sum(finite * finite)))
    check("l2_norm", close(record.get("l2_norm"), l2, scale * np.sqrt(finite.size)), l2)
    return out


@pytest.mark.parametrize("name", CASES)
def test_stats_match_numpy(name):
    case = H.load_case(name)
    problems, checked = [], 0
    for view in case.checkpoints:
        expected = {e.key: e for e in case.expected(view)}
        res = H.run_cli("stats", str(view.cli_path), "--json")
        doc = res.doc
        assert doc is not None and doc.get("schema") == "tensorscope.stats/1", res.describe()
        for record in doc["tensors"]:
            exp = expected.get(record["key"])
            if exp is None or record.get("error"):
                continue
            with np.errstate(all="ignore"):  # NaN bit patterns; float64 extremes overflow std in numpy too
                v = values_of(exp)
            if v is None:
                continue
            with np.errstate(all="ignore"):
                problems += problems_of(record, exp, v)
            checked += 1
    if checked == 0:
        pytest.skip("no numeric tensors with values in %s" % name)
    H.assert_no_problems(problems, name)

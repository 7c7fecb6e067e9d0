#!/usr/bin/env python3
"""How far apart are the computed floats of two fixture sets written on different CPUs?

    V=~/.cache/tensorscope/venvs
    $V/tf215/bin/python tests/oracle/compare_regenerated.py --tag tf215 --keep        # prints the kept dir
    ONEDNN_MAX_CPU_ISA=AVX2 $V/tf215/bin/python tests/oracle/generate.py --out /tmp/avx2 --tag tf215
    $V/tf215/bin/python scripts/calibrate-float-tolerance.py tests/fixtures/tf215=/tmp/tscope-regen-X/tf215 \\
        tests/fixtures/tf215=/tmp/avx2 ...

Each argument is COMMITTED=REGENERATED (two fixture roots). Looks at the values the checker compares with a
tolerance (floats of TRAINED cases, in values.npz and in the bundles, and signature outputs of every case),
prints the largest differences and which absolute term each relative bound would need. The chosen bounds
live in tests/oracle/generate.py (FLOAT_RTOL, FLOAT_ATOL_OF_MAX).
"""
from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "oracle"))
import bundle_structure as bs  # noqa: E402
import compare_regenerated as cr  # noqa: E402
import generate  # noqa: E402


def differing(x, y, where):
    """(where, a, b, |d|, max|A|) for each differing finite value."""
    a, b = x.astype(np.float64).reshape(-1), y.astype(np.float64).reshape(-1)
    ok = np.isfinite(a) & np.isfinite(b)
    if not ok.any():
        return []
    top = float(np.abs(a[ok]).max())
    d = np.abs(a - b)
    return [(where, a[i], b[i], d[i], top) for i in np.flatnonzero(ok & (d > 0))]


def collect(committed, regen):
    rows = []
    for case in sorted(os.listdir(regen)):
        cdir, rdir = os.path.join(committed, case), os.path.join(regen, case)
        if not (os.path.isdir(cdir) and os.path.isdir(rdir)):
            continue
        trained = generate.CASE_VALUES.get(case) == generate.TRAINED
        with np.load(os.path.join(cdir, "values.npz")) as za, np.load(os.path.join(rdir, "values.npz")) as zb:
            for k in za.files:
                if k in zb.files and cr.is_signature_output(k) and za[k].dtype.kind == "f" \
                        and za[k].shape == zb[k].shape:
                    rows += differing(za[k], zb[k], "%s: %s" % (case, k))
        if not trained:
            continue
        for rel in cr.list_files(cdir):
            if not rel.endswith(".index") or not os.path.exists(os.path.join(rdir, rel)):
                continue
            try:
                ba, bb = bs.Bundle(os.path.join(cdir, rel)), bs.Bundle(os.path.join(rdir, rel))
            except bs.FormatError:
                continue
            eb = {e.key: e for e in bb.entries}
            for e in ba.entries:
                f = eb.get(e.key)
                # Permuted exports (Keras ExportArchive) pair different variables under one key: skip them.
                if f is None or e.dtype not in bs.FLOAT_DTYPES or e.slices or e.structure() != f.structure() \
                        or b"variables/" in e.key[:10] or b"_all_variables/" in e.key[:16]:
                    continue
                rows += differing(bs.decode_floats(ba.payload(e), e.dtype), bs.decode_floats(bb.payload(f), f.dtype),
                                  "%s: %s: %s" % (case, rel, e.key.decode("utf-8", "replace")))
    return rows


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    rows = []
    for arg in argv:
        committed, regen = arg.split("=", 1)
        rows += collect(committed, regen)
    if not rows:
        print("no differing values")
        return 0
    rel = lambda r: r[3] / max(abs(r[1]), abs(r[2]))  # noqa: E731
    near_zero = lambda r: max(abs(r[1]), abs(r[2])) < 1e-4 * r[4]  # noqa: E731
    print("%d differing values" % len(rows))
    print("largest relative difference, values not near zero: %.3g" % max((rel(r) for r in rows if not near_zero(r)),
                                                                         default=0))
    print("largest relative difference, anywhere: %.3g" % max(rel(r) for r in rows))
    print("largest |a - b| / max|A|: %.3g" % max(r[3] / r[4] for r in rows))
    print("largest |a - b|: %.3g" % max(r[3] for r in rows))
    for rtol in (1e-5, 3e-5, 1e-4):
        need = max((r[3] - rtol * max(abs(r[1]), abs(r[2]))) / r[4] for r in rows)
        print("with rtol %g the absolute term needs %.3g x max|A|" % (rtol, max(need, 0)))
    print("chosen: rtol %g, %g x max|A|" % (generate.FLOAT_RTOL, generate.FLOAT_ATOL_OF_MAX))
    for r in sorted(rows, key=lambda r: -rel(r))[:5]:
        print("  rel %.3g  |d| %.3g  max|A| %.3g  %s" % (rel(r), r[3], r[4], r[0][-110:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

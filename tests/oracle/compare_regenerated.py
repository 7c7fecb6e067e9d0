#!/usr/bin/env python3
"""Regenerate the fixtures with the current venv and compare them with the committed ones.

    ~/.cache/tensorscope/venvs/tf215/bin/python tests/oracle/compare_regenerated.py
    ~/.cache/tensorscope/venvs/tfcur/bin/python tests/oracle/compare_regenerated.py [--case NAME ...] [--keep]

Checks, for tests/fixtures/<tag> (tag derived from the installed TensorFlow, or --tag / --fixtures), what is
meant to be the same on every machine (see generate.FLOAT_REPRODUCIBILITY for why floats differ across CPUs):
  * the same case list and the same skipped.json;
  * the same oracle.json (keys, dtypes, shapes, object graphs, signatures, file lists), ignoring
    generate.VOLATILE_FIELDS (timestamps, fingerprint uuid), for TRAINED cases also the checkpoint_hash, and with
    --cross-build also generate.BUILD_SPECIFIC_FIELDS (function-name suffixes, hashes);
  * the same values.npz members, dtypes and shapes; values bit for bit (NaN payloads included), except float
    values that are computed (trained variables and slots, signature outputs): those within
    generate.FLOAT_RTOL / FLOAT_ATOL_OF_MAX, and the report says how far apart they were;
  * the same artifact files byte for byte, except generate.VOLATILE_FILES (and, with --cross-build,
    generate.BUILD_SPECIFIC_FILES); bundles of TRAINED cases by structure (bundle_structure.py: entries,
    offsets, sizes; non-float payloads exact, float payloads within the tolerance; CRCs ignored).
Prints a readable diff and exits 1 on any mismatch, 0 otherwise.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bundle_structure  # noqa: E402
import generate  # noqa: E402  (no TensorFlow import at module level)

MAX_LINES_PER_CASE = 40


# ------------------------------------------------------------------------------------------- JSON handling ---

def _match(pattern, path):
    """pattern / path: lists of components. '*' = one component, '**' = zero or more."""
    if not pattern:
        return not path
    head = pattern[0]
    if head == "**":
        return any(_match(pattern[1:], path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    return (head == "*" or head == path[0]) and _match(pattern[1:], path[1:])


def strip_fields(obj, patterns, path=()):
    """Replace every value whose path matches a pattern by the marker '<ignored>'."""
    if any(_match(p, list(path)) for p in patterns):
        return "<ignored>"
    if isinstance(obj, dict):
        return {k: strip_fields(v, patterns, path + (k,)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [strip_fields(v, patterns, path + (str(i),)) for i, v in enumerate(obj)]
    return obj


def _short(v, n=160):
    s = json.dumps(v, ensure_ascii=False, sort_keys=True)
    return s if len(s) <= n else s[: n - 3] + "..."


def json_diff(a, b, path="", out=None):
    out = [] if out is None else out
    if type(a) is not type(b):
        out.append("%s: %s != %s" % (path or "/", _short(a), _short(b)))
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            p = "%s/%s" % (path, k)
            if k not in a:
                out.append("%s: only in regenerated: %s" % (p, _short(b[k])))
            elif k not in b:
                out.append("%s: only in committed: %s" % (p, _short(a[k])))
            else:
                json_diff(a[k], b[k], p, out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append("%s: list length %d != %d" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            json_diff(x, y, "%s/%d" % (path, i), out)
    elif a != b:
        out.append("%s: committed %s, regenerated %s" % (path or "/", _short(a), _short(b)))
    return out


# ------------------------------------------------------------------------------------------- file handling ---

def list_files(root):
    out = []
    for r, _, fs in os.walk(root):
        for f in fs:
            out.append(os.path.relpath(os.path.join(r, f), root).replace(os.sep, "/"))
    return sorted(out)


def _glob_match(rel, patterns):
    # "**/x" must also match "x" at the top level.
    for p in patterns:
        if fnmatch.fnmatch(rel, p) or (p.startswith("**/") and fnmatch.fnmatch(rel, p[3:])):
            return True
    return False


class FloatReport:
    """How far apart the float values compared within tolerance were (for the report)."""

    def __init__(self):
        self.values = 0
        self.differing = 0
        self.max_abs = 0.0
        self.max_rel = 0.0
        self.max_ulp = 0
        self.worst = None

    def add(self, other):
        self.values += other.values
        self.differing += other.differing
        if other.max_abs > self.max_abs:
            self.max_abs, self.worst = other.max_abs, other.worst
        self.max_rel = max(self.max_rel, other.max_rel)
        self.max_ulp = max(self.max_ulp, other.max_ulp)

    def summary(self):
        if not self.values:
            return None
        if not self.differing:
            return "%d tolerant float values, all bit-identical" % self.values
        return ("%d tolerant float values, %d differ: max |d| %.3g, max rel %.3g, max %d ULP%s"
                % (self.values, self.differing, self.max_abs, self.max_rel, self.max_ulp,
                   (" (largest at %s)" % self.worst) if self.worst else ""))


def _ulp_distance(x, y):
    """Distance in units in the last place between two same-dtype float arrays (finite values)."""
    import numpy as np
    bits = {2: np.int16, 4: np.int32, 8: np.int64}[x.dtype.itemsize]
    def ordered(v):
        i = v.view(bits).astype(np.int64)
        return np.where(i < 0, np.iinfo(bits).min - i, i)
    return np.abs(ordered(x) - ordered(y))


def float_close(x, y, where, rtol=None, atol_of_max=None):
    """Tolerant comparison of two same-shape float arrays (x committed, y regenerated); the bound is
    generate.FLOAT_RTOL * max(|x|, |y|) + generate.FLOAT_ATOL_OF_MAX * max|x|. Returns (problems, FloatReport)."""
    import numpy as np
    rtol = generate.FLOAT_RTOL if rtol is None else rtol
    atol_of_max = generate.FLOAT_ATOL_OF_MAX if atol_of_max is None else atol_of_max
    rep = FloatReport()
    x, y = np.asarray(x).reshape(-1), np.asarray(y).reshape(-1)
    rep.values = x.size
    if x.size == 0:
        return [], rep
    a, b = x.astype(np.float64), y.astype(np.float64)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    problems = []
    if (nan_a != nan_b).any() or (np.isinf(a) != np.isinf(b)).any() \
            or (a[np.isinf(a)] != b[np.isinf(b)]).any():
        problems.append("%s: NaN/Inf positions differ" % where)
        return problems, rep
    finite = np.isfinite(a)
    a, b = a[finite], b[finite]
    diff = np.abs(a - b)
    xf, yf = x[finite], y[finite]
    unsigned = np.dtype("u%d" % x.dtype.itemsize)
    rep.differing = int(np.count_nonzero(xf.view(unsigned) != yf.view(unsigned)))
    if diff.size:
        i = int(np.argmax(diff))
        rep.max_abs = float(diff[i])
        rep.worst = "%s[%d]" % (where, i) if rep.max_abs else None
        scale = np.maximum(np.abs(a), np.abs(b))
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        rep.max_rel = float(rel.max())
        if x.dtype.kind == "f":
            rep.max_ulp = int(_ulp_distance(xf, yf).max())
        atol = atol_of_max * float(np.abs(a).max())
        bad = diff > rtol * scale + atol
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            problems.append("%s: %d of %d values outside the tolerance (rtol %g, atol %g = %g * max|committed|); "
                            "first at %d: committed %r, regenerated %r (|d| %.3g, rel %.3g)"
                            % (where, int(bad.sum()), a.size, rtol, atol, atol_of_max, j, a[j], b[j], diff[j],
                               rel[j]))
    return problems, rep


def is_signature_output(member):
    parts = member.split("/")
    return parts[0] == "sig" and len(parts) >= 4 and parts[-2] == "out"


def npz_member_tolerant(member, arr, trained):
    """Whether a values.npz member is compared within tolerance (see generate.FLOAT_REPRODUCIBILITY)."""
    return arr.dtype.kind == "f" and (trained or is_signature_output(member))


def compare_npz(a_path, b_path, unordered_prefixes=(), trained=False, report=None):
    """Bit-exact comparison, except float members that are computed (trained variables, signature outputs),
    which are compared within generate.FLOAT_RTOL / FLOAT_ATOL_OF_MAX. Members whose name starts with one of
    unordered_prefixes are compared as a multiset of (dtype, shape, values) instead of name by name."""
    import numpy as np
    out = []
    report = FloatReport() if report is None else report
    with np.load(a_path, allow_pickle=False) as za, np.load(b_path, allow_pickle=False) as zb:
        a = {k: za[k] for k in za.files}
        b = {k: zb[k] for k in zb.files}
    if unordered_prefixes:
        pre = tuple(unordered_prefixes)
        left = [(k, v) for k, v in sorted(a.items()) if k.startswith(pre)]
        right = [(k, v) for k, v in sorted(b.items()) if k.startswith(pre)]
        if len(left) != len(right):
            out.append("values.npz: %d vs %d members under %s" % (len(left), len(right), list(pre)))
        for k, x in left:
            match = None
            for idx, (k2, y) in enumerate(right):
                if x.dtype != y.dtype or x.shape != y.shape:
                    continue
                if npz_member_tolerant(k, x, trained):
                    probs, rep = float_close(x, y, k)
                else:
                    probs, rep = ([] if x.tobytes() == y.tobytes() else ["differs"]), FloatReport()
                if not probs:
                    match = idx
                    report.add(rep)
                    break
            if match is None:
                out.append("values.npz: %s (%s%s) has no counterpart among the regenerated %s* values"
                           % (k, x.dtype, list(x.shape), list(pre)))
            else:
                right.pop(match)
    ka, kb = set(a), set(b)
    for k in sorted(ka - kb):
        out.append("values.npz: %s only in committed" % k)
    for k in sorted(kb - ka):
        out.append("values.npz: %s only in regenerated" % k)
    for k in sorted(ka & kb):
        if unordered_prefixes and k.startswith(tuple(unordered_prefixes)):
            continue
        x, y = a[k], b[k]
        if x.dtype != y.dtype or x.shape != y.shape:
            out.append("values.npz: %s: %s%s != %s%s" % (k, x.dtype, list(x.shape), y.dtype, list(y.shape)))
        elif npz_member_tolerant(k, x, trained):
            probs, rep = float_close(x, y, "values.npz: " + k)
            report.add(rep)
            out += probs
        elif x.tobytes() != y.tobytes():
            diff = np.flatnonzero(x.reshape(-1).view(np.uint8) != y.reshape(-1).view(np.uint8)) \
                if x.dtype.itemsize == 1 else None
            out.append("values.npz: %s: bytes differ (%s)" % (k, "first bytes at %s" % diff[:5].tolist()
                                                              if diff is not None else
                                                              "committed %s vs regenerated %s" % (
                                                                  x.reshape(-1)[:4], y.reshape(-1)[:4])))
    return out


def compare_bundle_structure(rel_index, a_index, b_index, report):
    """A trained bundle: the same entries (key, dtype, shape, shard, offset, size, slices; CRCs ignored), the
    same data file sizes, non-float payloads byte for byte, float payloads within the tolerance."""
    out = []
    try:
        a, b = bundle_structure.Bundle(a_index), bundle_structure.Bundle(b_index)
    except (OSError, bundle_structure.FormatError) as e:
        return ["%s: cannot read as a bundle: %s" % (rel_index, e)]
    if a.header != b.header:
        out.append("%s: bundle header differs: %s != %s" % (rel_index, a.header, b.header))
    ea = {e.key: e for e in a.entries}
    eb = {e.key: e for e in b.entries}
    for k in [e.key for e in a.entries if e.key not in eb]:
        out.append("%s: key only in committed: %r" % (rel_index, k))
    for k in [e.key for e in b.entries if e.key not in ea]:
        out.append("%s: key only in regenerated: %r" % (rel_index, k))
    if [e.key for e in a.entries if e.key in eb] != [e.key for e in b.entries if e.key in ea]:
        out.append("%s: entries are in a different order" % rel_index)
    for e in a.entries:
        f = eb.get(e.key)
        if f is None:
            continue
        name = e.key.decode("utf-8", "backslashreplace")
        if e.structure() != f.structure():
            out.append("%s: %s: entry differs: %s != %s" % (rel_index, name, e.structure(), f.structure()))
            continue
        if e.size == 0:
            continue
        try:
            pa, pb = a.payload(e), b.payload(f)
        except (OSError, bundle_structure.FormatError) as err:
            out.append("%s: %s: %s" % (rel_index, name, err))
            continue
        if e.dtype in bundle_structure.FLOAT_DTYPES and not e.slices:
            probs, rep = float_close(bundle_structure.decode_floats(pa, e.dtype),
                                     bundle_structure.decode_floats(pb, f.dtype),
                                     "%s: %s" % (rel_index, name))
            report.add(rep)
            out += probs
        elif pa != pb:
            out.append("%s: %s: payload bytes differ (%s)" % (rel_index, name,
                                                              bundle_structure.FLOAT_DTYPES.get(e.dtype,
                                                                                                "dtype %d" % e.dtype)))
    for shard in range(min(a.num_shards, b.num_shards)):
        sa, sb = os.path.getsize(a.data_path(shard)), os.path.getsize(b.data_path(shard))
        if sa != sb:
            out.append("%s: data shard %d has %d bytes, regenerated %d" % (rel_index, shard, sa, sb))
    return out


def first_difference(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n if len(a) != len(b) else None


# Extra fields/files ignored for artifacts with generate.KERAS_EXPORT_ORDER_NOTE (permutation of variables).
PERMUTATION_FIELDS = [
    "**/variables_checkpoint/variables",
    "**/variables_checkpoint/object_graph",
    "**/meta_graphs/*/object_graph/nodes",
    "**/fingerprint",
    "**/fingerprint_via_tf",
]


def _savedmodels_with_note(oracle_path):
    try:
        with open(oracle_path, encoding="utf-8") as f:
            o = json.load(f)
    except (OSError, ValueError):
        return []
    return [a for a in o.get("artifacts", []) if a.get("known_nondeterminism")]


def _variables_bag(oracle_path, sm_paths):
    with open(oracle_path, encoding="utf-8") as f:
        o = json.load(f)
    keys, bag = [], []
    for a in o["artifacts"]:
        if a.get("path") in sm_paths:
            for v in a["variables_checkpoint"]["variables"]:
                keys.append(v["key"])
                if v["key"] != "_CHECKPOINTABLE_OBJECT_GRAPH":
                    bag.append((v["dtype"], tuple(v["shape"])))
    return sorted(keys), sorted(bag)


def compare_case(name, committed, regenerated, cross_build):
    """Returns (problems, notes). Notes include how far apart the tolerant float values were."""
    trained = generate.CASE_VALUES.get(name) == generate.TRAINED
    report = FloatReport()
    problems, notes = compare_case_strict(name, committed, regenerated, cross_build, trained=trained,
                                          report=report)
    if problems:
        noted = _savedmodels_with_note(os.path.join(committed, "oracle.json"))
        if noted:
            # Known nondeterminism: accept results that differ only by a permutation of the variables.
            sm_paths = [a["path"] for a in noted]
            report = FloatReport()
            tolerant, tnotes = compare_case_strict(
                name, committed, regenerated, cross_build, extra_fields=PERMUTATION_FIELDS,
                extra_files=["%s/saved_model.pb" % p for p in sm_paths]
                + ["%s/variables/variables.*" % p for p in sm_paths],
                unordered_prefixes=["%s/variables/variables|" % p for p in sm_paths], trained=trained,
                report=report)
            ka, ba = _variables_bag(os.path.join(committed, "oracle.json"), sm_paths)
            kb, bb = _variables_bag(os.path.join(regenerated, "oracle.json"), sm_paths)
            if ka != kb:
                tolerant.append("variable key sets differ")
            if ba != bb:
                tolerant.append("variable (dtype, shape) multisets differ")
            if not tolerant:
                problems = []
                notes = tnotes + ["differs only by the known variable permutation: %s"
                                  % noted[0]["known_nondeterminism"][0]]
    summary = report.summary()
    if summary:
        notes.append(("trained: " if trained else "signature outputs: ") + summary)
    return problems, notes


def compare_case_strict(name, committed, regenerated, cross_build, extra_fields=(), extra_files=(),
                        unordered_prefixes=(), trained=False, report=None):
    problems, notes = [], []
    report = FloatReport() if report is None else report
    ignore_fields = [p.split("/") for p in list(generate.VOLATILE_FIELDS) + list(extra_fields)]
    if trained:
        ignore_fields += [p.split("/") for p in generate.TRAINED_HASH_FIELDS]
    ignore_files = list(generate.VOLATILE_FILES) + list(extra_files)
    if cross_build:
        ignore_fields += [p.split("/") for p in generate.BUILD_SPECIFIC_FIELDS]
        ignore_files += generate.BUILD_SPECIFIC_FILES
    fa, fb = list_files(committed), list_files(regenerated)
    for f in sorted(set(fa) - set(fb)):
        problems.append("file only in committed: %s" % f)
    for f in sorted(set(fb) - set(fa)):
        problems.append("file only in regenerated: %s" % f)
    common = sorted(set(fa) & set(fb))
    by_structure = set()  # bundle files of a trained case: compared through their index
    if trained:
        for f in common:
            if f.endswith(".index") and not _glob_match(f, extra_files):
                prefix = f[: -len(".index")]
                problems += compare_bundle_structure(f, os.path.join(committed, f), os.path.join(regenerated, f),
                                                     report)
                by_structure.add(f)
                by_structure.update(g for g in common if g.startswith(prefix + ".data-"))
    for f in common:
        pa, pb = os.path.join(committed, f), os.path.join(regenerated, f)
        if f == "oracle.json":
            with open(pa, encoding="utf-8") as x, open(pb, encoding="utf-8") as y:
                ja, jb = json.load(x), json.load(y)
            d = json_diff(strip_fields(ja, ignore_fields), strip_fields(jb, ignore_fields))
            problems += ["oracle.json%s" % line for line in d]
            continue
        if f == "values.npz":
            problems += compare_npz(pa, pb, unordered_prefixes, trained=trained, report=report)
            continue
        if f in by_structure:
            continue
        with open(pa, "rb") as x, open(pb, "rb") as y:
            ba, bb = x.read(), y.read()
        if ba == bb:
            continue
        is_bundle = f.endswith(".index") or ".data-" in f
        if _glob_match(f, extra_files):
            notes.append("%s differs (permuted variables, ignored)" % f)
            continue
        if not is_bundle and _glob_match(f, ignore_files):
            notes.append("%s differs (volatile, ignored)" % f)
            continue
        off = first_difference(ba, bb)
        problems.append("%s: bytes differ (sizes %d vs %d, first difference at offset %s)"
                        % (f, len(ba), len(bb), off))
    return problems, notes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixtures", help="committed fixture directory (default tests/fixtures/<tag>)")
    ap.add_argument("--tag", help="tf215 or tfcur (default: from the installed TensorFlow)")
    ap.add_argument("--case", action="append", help="only regenerate/compare this case (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the regenerated directory and print its path")
    ap.add_argument("--regenerated", help="compare with this already regenerated directory instead of running "
                                          "the generator")
    ap.add_argument("--jobs", type=int, default=1, help="passed to generate.py")
    ap.add_argument("--cross-build", action="store_true",
                    help="also ignore BUILD_SPECIFIC_FIELDS/FILES (comparing fixtures of different TF builds)")
    args = ap.parse_args(argv)

    version = generate.installed_tf_version()
    tag = args.tag or generate.tag_for_version(version or "")
    committed = os.path.abspath(args.fixtures or os.path.join(HERE, "..", "fixtures", tag))
    if not os.path.isdir(committed):
        print("no committed fixtures at %s" % committed)
        return 2
    tmp = None
    if args.regenerated:
        regen = os.path.abspath(args.regenerated)
    else:
        tmp = tempfile.mkdtemp(prefix="tscope-regen-")
        regen = os.path.join(tmp, tag)
        cmd = [sys.executable, os.path.join(HERE, "generate.py"), "--out", regen, "--tag", tag]
        for c in args.case or []:
            cmd += ["--case", c]
        if args.jobs > 1:
            cmd += ["--jobs", str(args.jobs)]
        print("$ %s" % " ".join(cmd), flush=True)
        rc = subprocess.call(cmd)
        if rc != 0:
            print("generator failed (exit %d)" % rc)
            return 1

    failures = 0
    cases_a = sorted(d for d in os.listdir(committed) if os.path.isdir(os.path.join(committed, d)))
    cases_b = sorted(d for d in os.listdir(regen) if os.path.isdir(os.path.join(regen, d)))
    if args.case:
        cases_a = [c for c in cases_a if c in args.case]
        cases_b = [c for c in cases_b if c in args.case]
    print("\ncomparing %s (committed) with %s (regenerated)" % (committed, regen))
    if cases_a != cases_b:
        failures += 1
        print("CASE LIST DIFFERS\n  only committed: %s\n  only regenerated: %s"
              % (sorted(set(cases_a) - set(cases_b)), sorted(set(cases_b) - set(cases_a))))
    with open(os.path.join(committed, "skipped.json")) as f:
        sk_a = json.load(f)
    with open(os.path.join(regen, "skipped.json")) as f:
        sk_b = json.load(f)
    if args.case:
        sk_a["skipped"] = {k: v for k, v in sk_a["skipped"].items() if k in args.case}
        sk_b["skipped"] = {k: v for k, v in sk_b["skipped"].items() if k in args.case}
    d = json_diff(sk_a, sk_b)
    if d:
        failures += 1
        print("skipped.json differs:\n  " + "\n  ".join(d))
    for name in sorted(set(cases_a) & set(cases_b)):
        problems, notes = compare_case(name, os.path.join(committed, name), os.path.join(regen, name),
                                       args.cross_build)
        status = "MISMATCH" if problems else "same"
        print("  %-8s %s%s" % (status, name, ("  (%s)" % "; ".join(notes)) if notes else ""))
        for line in problems[:MAX_LINES_PER_CASE]:
            print("      " + line)
        if len(problems) > MAX_LINES_PER_CASE:
            print("      ... %d more" % (len(problems) - MAX_LINES_PER_CASE))
        failures += bool(problems)
    if tmp:
        if args.keep:
            print("regenerated fixtures kept in %s" % regen)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\n%s" % ("OK: regenerated fixtures match" if not failures else "FAILED: %d mismatch(es)" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

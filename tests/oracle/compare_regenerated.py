#!/usr/bin/env python3
"""Regenerate the fixtures with the current venv and compare them with the committed ones.

    ~/.cache/tensorscope/venvs/tf215/bin/python tests/oracle/compare_regenerated.py
    ~/.cache/tensorscope/venvs/tfcur/bin/python tests/oracle/compare_regenerated.py [--case NAME ...] [--keep]

Checks, for tests/fixtures/<tag> (tag derived from the installed TensorFlow, or --tag / --fixtures):
  * the same case list and the same skipped.json;
  * the same oracle.json, ignoring generate.VOLATILE_FIELDS (timestamps, fingerprint uuid);
    with --cross-build also ignoring generate.BUILD_SPECIFIC_FIELDS (function-name suffixes, hashes);
  * the same values.npz members, dtypes, shapes and bytes (bit-exact, NaN payloads included);
  * the same artifact files, byte for byte, except generate.VOLATILE_FILES (and, with --cross-build,
    generate.BUILD_SPECIFIC_FILES). `.index` and `.data-*` files are always compared.
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


def compare_npz(a_path, b_path, unordered_prefixes=()):
    """Bit-exact comparison. Members whose name starts with one of unordered_prefixes are compared as a
    multiset of (dtype, shape, bytes) instead of name by name."""
    import numpy as np
    out = []
    if unordered_prefixes:
        with np.load(a_path, allow_pickle=False) as a, np.load(b_path, allow_pickle=False) as b:
            def bag(z):
                return sorted((str(z[k].dtype), z[k].shape, z[k].tobytes()) for k in z.files
                              if k.startswith(tuple(unordered_prefixes)))
            if bag(a) != bag(b):
                out.append("values.npz: the multiset of %s* values differs" % (list(unordered_prefixes),))
    with np.load(a_path, allow_pickle=False) as a, np.load(b_path, allow_pickle=False) as b:
        ka, kb = set(a.files), set(b.files)
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
            elif x.tobytes() != y.tobytes():
                diff = np.flatnonzero(x.reshape(-1).view(np.uint8) != y.reshape(-1).view(np.uint8)) \
                    if x.dtype.itemsize == 1 else None
                out.append("values.npz: %s: bytes differ (%s)" % (k, "first bytes at %s" % diff[:5].tolist()
                                                                  if diff is not None else
                                                                  "committed %s vs regenerated %s" % (
                                                                      x.reshape(-1)[:4], y.reshape(-1)[:4])))
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
    problems, notes = compare_case_strict(name, committed, regenerated, cross_build)
    if not problems:
        return problems, notes
    noted = _savedmodels_with_note(os.path.join(committed, "oracle.json"))
    if not noted:
        return problems, notes
    # Known nondeterminism: accept results that differ only by a permutation of the variables.
    sm_paths = [a["path"] for a in noted]
    tolerant, tnotes = compare_case_strict(
        name, committed, regenerated, cross_build, extra_fields=PERMUTATION_FIELDS,
        extra_files=["%s/saved_model.pb" % p for p in sm_paths]
        + ["%s/variables/variables.*" % p for p in sm_paths],
        unordered_prefixes=["%s/variables/variables|" % p for p in sm_paths])
    ka, ba = _variables_bag(os.path.join(committed, "oracle.json"), sm_paths)
    kb, bb = _variables_bag(os.path.join(regenerated, "oracle.json"), sm_paths)
    if ka != kb:
        tolerant.append("variable key sets differ")
    if ba != bb:
        tolerant.append("variable (dtype, shape) multisets differ")
    if tolerant:
        return problems, notes
    return [], tnotes + ["differs only by the known variable permutation: %s" % noted[0]["known_nondeterminism"][0]]


def compare_case_strict(name, committed, regenerated, cross_build, extra_fields=(), extra_files=(),
                        unordered_prefixes=()):
    problems, notes = [], []
    ignore_fields = [p.split("/") for p in list(generate.VOLATILE_FIELDS) + list(extra_fields)]
    ignore_files = list(generate.VOLATILE_FILES) + list(extra_files)
    if cross_build:
        ignore_fields += [p.split("/") for p in generate.BUILD_SPECIFIC_FIELDS]
        ignore_files += generate.BUILD_SPECIFIC_FILES
    fa, fb = list_files(committed), list_files(regenerated)
    for f in sorted(set(fa) - set(fb)):
        problems.append("file only in committed: %s" % f)
    for f in sorted(set(fb) - set(fa)):
        problems.append("file only in regenerated: %s" % f)
    for f in sorted(set(fa) & set(fb)):
        pa, pb = os.path.join(committed, f), os.path.join(regenerated, f)
        if f == "oracle.json":
            with open(pa, encoding="utf-8") as x, open(pb, encoding="utf-8") as y:
                ja, jb = json.load(x), json.load(y)
            d = json_diff(strip_fields(ja, ignore_fields), strip_fields(jb, ignore_fields))
            problems += ["oracle.json%s" % line for line in d]
            continue
        if f == "values.npz":
            problems += compare_npz(pa, pb, unordered_prefixes)
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

"""Helpers of the TensorFlow conformance suite (see README.md in this directory).

Everything here compares what `tensorscope-cli … --json` says with what TensorFlow says. TensorFlow's view comes
either from a fixture's `oracle.json` + `values.npz` (written by tests/oracle/generate.py) or, for the shared
corpus, from TensorFlow itself, asked live in the test process (test_corpus.py). Both end up in the same
records (`Expected`, signature dicts in the oracle.json layout), and both go through the same comparison
functions below, so a bug in a comparison shows up in both halves of the suite and the self-test
(test_self_check.py) exercises the very code the real checks run.

Environment:
    TSCOPE_CLI            the tensorscope-cli binary      (default <repo>/build/app/tensorscope-cli)
    TSCOPE_TF_TAG         fixture tag: tf215 | tfcur      (default: from the installed TensorFlow version)
    TSCOPE_FIXTURES_DIR   the fixture root                (default <repo>/tests/fixtures)
    TSCOPE_CORPUS_DIR     the shared corpus               (default <repo>/../shared/corpus)
"""
from __future__ import annotations

import base64
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

# ------------------------------------------------------------------------------------------------ locations ---

REPO_ROOT = Path(__file__).resolve().parents[2]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return (Path(value).expanduser() if value else default).resolve()


def _installed_tf_version():
    for dist in ("tensorflow-cpu", "tensorflow", "tf-nightly-cpu", "tf-nightly"):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return None


def _default_tag():
    version = _installed_tf_version()
    if version is None:
        return "tfcur"
    return "tf215" if version.startswith("2.15.") else "tfcur"  # the rule of tests/oracle/generate.py


FIXTURES_DIR = _env_path("TSCOPE_FIXTURES_DIR", REPO_ROOT / "tests" / "fixtures")
CORPUS_DIR = _env_path("TSCOPE_CORPUS_DIR", REPO_ROOT / ".." / "shared" / "corpus")
CLI_PATH = _env_path("TSCOPE_CLI", REPO_ROOT / "build" / "app" / "tensorscope-cli")
TF_TAG = os.environ.get("TSCOPE_TF_TAG") or _default_tag()
TAG_DIR = FIXTURES_DIR / TF_TAG
ORACLE_DIR = REPO_ROOT / "tests" / "oracle"

CLI_TIMEOUT_S = 120

# Tensors whose value TensorFlow itself cannot produce (DT_VARIANT, …): listed at the end of the run.
SKIPPED_TENSORS: list[str] = []


def pytest_report_header(config):
    return ["tensorscope conformance: cli=%s tag=%s tensorflow=%s" % (CLI_PATH, TF_TAG, _installed_tf_version()),
            "  fixtures=%s corpus=%s" % (TAG_DIR, CORPUS_DIR)]


def pytest_terminal_summary(terminalreporter):
    if SKIPPED_TENSORS:
        terminalreporter.section("tensors not compared (TensorFlow cannot read their value)")
        for line in SKIPPED_TENSORS:
            terminalreporter.write_line(line)


# ----------------------------------------------------------------------------------------------- the CLI ---

@dataclass(frozen=True)
class CliResult:
    args: tuple
    returncode: int
    stdout: str
    stderr: str

    @functools.cached_property
    def doc(self):
        try:
            return json.loads(self.stdout)
        except ValueError:
            return None

    def describe(self) -> str:
        return "`tensorscope-cli %s` exited %d; stderr: %s; stdout: %s" % (
            " ".join(self.args), self.returncode, self.stderr.strip()[:400], self.stdout.strip()[:400])


def _require_cli():
    if not (CLI_PATH.is_file() and os.access(CLI_PATH, os.X_OK)):
        pytest.fail("tensorscope-cli not found at %s (set TSCOPE_CLI or build it: "
                    "ninja -C build tensorscope-cli)" % CLI_PATH, pytrace=False)


def run_cli_uncached(*args: str) -> CliResult:
    """Run tensorscope-cli (used directly for `show`, whose output can be large and is needed once)."""
    _require_cli()
    proc = subprocess.run([str(CLI_PATH), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=CLI_TIMEOUT_S, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    return CliResult(tuple(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
                     proc.stderr.decode("utf-8", "replace"))


@functools.lru_cache(maxsize=None)
def run_cli(*args: str) -> CliResult:
    """Run tensorscope-cli once per distinct argument list (cached for the session: ls/info/signatures of an
    artifact are asked by several tests)."""
    return run_cli_uncached(*args)


_SCHEMA = {"info": "tensorscope.info/1", "ls": "tensorscope.ls/1", "show": "tensorscope.tensor/1",
           "signatures": "tensorscope.signatures/1", "verify": "tensorscope.verify/1", "stats": "tensorscope.stats/1"}


def cli_json(command: str, path, *rest: str) -> dict:
    """`tensorscope-cli COMMAND PATH REST… --json`, which must succeed with the documented schema."""
    res = run_cli(command, str(path), *rest, "--json")
    assert res.returncode == 0, res.describe()
    assert res.doc is not None, "no JSON on stdout: " + res.describe()
    assert res.doc.get("schema") == _SCHEMA[command], res.describe()
    return res.doc


def error_code(res: CliResult):
    """The `code` of a tensorscope.error/1 document on stdout, or None."""
    doc = res.doc
    if isinstance(doc, dict) and doc.get("schema") == "tensorscope.error/1":
        return doc.get("code")
    return None


# ----------------------------------------------------------------------------------- expected tensor values ---

@dataclass
class Expected:
    """TensorFlow's view of one checkpoint tensor."""
    key: str
    dtype: str                    # tf.DType.name
    shape: list                   # list of ints
    raw: bytes | None = None      # little-endian element bytes (fixed-size dtypes)
    strings: list | None = None   # list of bytes (DT_STRING)
    sha256: list | None = None    # DT_STRING given as hashes (large string tensors in oracle.json)
    lengths: list | None = None
    unreadable: str | None = None  # TensorFlow could not produce the value: why
    origin: str = ""              # where the expectation came from, for messages

    @property
    def num_elements(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1


# Little-endian numpy codes of the dtypes numpy holds natively (bool as numpy's own bool).
NUMPY_CODES = {"float16": "<f2", "float32": "<f4", "float64": "<f8", "int8": "<i1", "int16": "<i2",
               "int32": "<i4", "int64": "<i8", "uint8": "<u1", "uint16": "<u2", "uint32": "<u4",
               "uint64": "<u8", "bool": "?"}


def numpy_values(exp: Expected, float8: bool = True):
    """exp's elements as a flat numpy array: native dtypes as they are, bfloat16 as float32 (its top half) and
    float8 as float32 through ml_dtypes (when installed and float8 is wanted); None for any other dtype."""
    if exp.raw is None:
        return None
    if exp.dtype in NUMPY_CODES:
        return np.frombuffer(exp.raw, NUMPY_CODES[exp.dtype])
    if exp.dtype == "bfloat16":
        return (np.frombuffer(exp.raw, "<u2").astype(np.uint32) << 16).view(np.float32)
    if float8 and exp.dtype.startswith("float8"):
        try:
            import ml_dtypes
        except ImportError:
            return None
        if hasattr(ml_dtypes, exp.dtype):
            return np.frombuffer(exp.raw, "<u1").view(getattr(ml_dtypes, exp.dtype)).astype(np.float32)
    return None


def little_endian_bytes(arr) -> bytes:
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">":
        arr = arr.byteswap().view(arr.dtype.newbyteorder("<"))
    return arr.tobytes()


def expected_from_oracle(var: dict, npz, origin: str = "") -> Expected:
    """An oracle.json `variables[]` record (+ its npz member) as an Expected."""
    exp = Expected(var["key"], var["dtype"], list(var["shape"]), origin=origin)
    if "value_error" in var:
        exp.unreadable = var["value_error"]
    elif "strings_base64" in var:
        exp.strings = [base64.b64decode(s) for s in var["strings_base64"]]
    elif "strings_sha256" in var:
        exp.sha256, exp.lengths = list(var["strings_sha256"]), list(var["strings_length"])
    else:
        arr = npz[var["npz"]]
        if "npz_view" in var:  # bfloat16, float8_*, int4, …: stored as a uint view of their bits
            assert arr.dtype == np.dtype(var["npz_view"]), (var["key"], arr.dtype, var["npz_view"])
        if exp.shape == [] and arr.shape == (1,):
            # generate.write_npz_deterministic stores np.ascontiguousarray(a), which returns at least 1-d:
            # every scalar member of values.npz has shape (1,) (both tags). The one element is the scalar.
            arr = arr.reshape(())
        assert list(arr.shape) == exp.shape, (var["key"], arr.shape, exp.shape)
        exp.raw = little_endian_bytes(arr)
    return exp


def expected_from_value(key: str, dtype: str, shape, value, origin: str = "") -> Expected:
    """A value returned by TensorFlow (numpy array, ml_dtypes included, or object array of bytes)."""
    exp = Expected(key, dtype, [int(d) for d in shape], origin=origin)
    arr = np.asarray(value)
    assert list(arr.shape) == exp.shape, (key, arr.shape, exp.shape)
    if dtype == "string":
        exp.strings = [bytes(s) for s in arr.astype(object).reshape(-1)]
    else:
        exp.raw = little_endian_bytes(arr)
    return exp


# ----------------------------------------------------------------------------- decoding the CLI's tensors ---
# The comparisons call these through the module globals, so a test can monkeypatch them (test_self_check.py).

def decode_raw(show_doc: dict) -> bytes:
    """`raw_base64` of a tensorscope.tensor/1 document: the little-endian element bytes."""
    return base64.b64decode(show_doc["raw_base64"], validate=True)


def decode_strings(show_doc: dict) -> list:
    """`strings_base64` of a tensorscope.tensor/1 document: one bytes object per element."""
    return [base64.b64decode(s, validate=True) for s in show_doc["strings_base64"]]


def _first_difference(a: bytes, b: bytes, itemsize: int):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            e = i // itemsize if itemsize else i
            return e, a[e * itemsize:(e + 1) * itemsize].hex(), b[e * itemsize:(e + 1) * itemsize].hex()
    return n // itemsize if itemsize else n, "<end>", "<end>"


def compare_tensor(show_doc: dict, exp: Expected) -> list:
    """Problems (strings) between `show … --json` and TensorFlow's value; empty when they are identical."""
    where = "%s%s" % (exp.key, " (%s)" % exp.origin if exp.origin else "")
    problems = []
    if show_doc.get("key") != exp.key:
        problems.append("%s: show returned key %r" % (where, show_doc.get("key")))
    if show_doc.get("dtype") != exp.dtype:
        problems.append("%s: dtype %r, TensorFlow %r" % (where, show_doc.get("dtype"), exp.dtype))
    if show_doc.get("shape") != exp.shape:
        problems.append("%s: shape %r, TensorFlow %r" % (where, show_doc.get("shape"), exp.shape))
    if show_doc.get("result_shape") != exp.shape:
        problems.append("%s: result_shape %r, TensorFlow %r" % (where, show_doc.get("result_shape"), exp.shape))
    if problems:
        return problems
    if exp.raw is not None:
        if "raw_base64" not in show_doc:
            return ["%s: no raw_base64 in the show output" % where]
        got = decode_raw(show_doc)
        if got != exp.raw:
            n = exp.num_elements
            itemsize = len(exp.raw) // n if n else 1
            e, ours, theirs = _first_difference(got, exp.raw, itemsize)
            problems.append("%s: values differ (%d bytes ours, %d TensorFlow's); first at element %d: ours %s, "
                            "TensorFlow %s (little-endian hex)" % (where, len(got), len(exp.raw), e, ours, theirs))
        return problems
    if "strings_base64" not in show_doc:
        return ["%s: no strings_base64 in the show output" % where]
    got = decode_strings(show_doc)
    if exp.strings is not None:
        if got != exp.strings:
            if len(got) != len(exp.strings):
                problems.append("%s: %d strings, TensorFlow %d" % (where, len(got), len(exp.strings)))
            else:
                i = next(i for i, (a, b) in enumerate(zip(got, exp.strings)) if a != b)
                problems.append("%s: string %d is %r, TensorFlow %r" % (where, i, got[i][:80], exp.strings[i][:80]))
    else:
        got_h = [hashlib.sha256(s).hexdigest() for s in got]
        got_l = [len(s) for s in got]
        if got_l != exp.lengths or got_h != exp.sha256:
            problems.append("%s: strings differ: lengths %r / sha256 %r, TensorFlow %r / %r"
                            % (where, got_l[:4], [h[:12] for h in got_h[:4]], exp.lengths[:4],
                               [h[:12] for h in exp.sha256[:4]]))
    return problems


def check_values(cli_path, expected: list) -> list:
    """`show CLI_PATH KEY --json` for every expected tensor and compare bit for bit.
    Tensors TensorFlow could not read are recorded in SKIPPED_TENSORS, not compared."""
    problems = []
    for exp in expected:
        if exp.unreadable is not None:
            note = "%s: %s [%s]: %s" % (cli_path, exp.key, exp.dtype, exp.unreadable)
            if note not in SKIPPED_TENSORS:
                SKIPPED_TENSORS.append(note)
            continue
        res = run_cli_uncached("show", str(cli_path), exp.key, "--json")
        if res.returncode != 0 or res.doc is None:
            problems.append("%s: cannot show: %s" % (exp.key, res.describe()))
            continue
        problems.extend(compare_tensor(res.doc, exp))
    return problems


# --------------------------------------------------------------------------------------------- listings ---

def slice_key_name(raw: bytes) -> str:
    """The tensor name inside a TensorBundle slice key (BundleReader::DebugString lists them raw): OrderedCode
    NumIncreasing(0) (one zero byte), then the name as an OrderedCode string (byte 00 escaped as 00 ff, ff as
    ff 00, terminated by 00 01), then the slice extents."""
    assert raw[:1] == b"\x00", raw
    out, i = bytearray(), 1
    while i < len(raw):
        b = raw[i]
        if b == 0x00:
            if raw[i + 1] == 0x01:
                return out.decode("utf-8")
            out.append(0x00)  # \x00\xff
            i += 2
        elif b == 0xFF:
            out.append(0xFF)  # \xff\x00
            i += 2
        else:
            out.append(b)
            i += 1
    raise ValueError("unterminated slice key %r" % raw)


def partitioned_keys(index_entries) -> set:
    """Names of the tensors stored as slices, from the oracle's `index_entries` (absent: none)."""
    return {slice_key_name(base64.b64decode(e["key_base64"])) for e in index_entries or []
            if "key_base64" in e and base64.b64decode(e["key_base64"])[:1] == b"\x00"}


def compare_listing(ls_doc: dict, expected: list, what: str = "", partitioned: set | None = None) -> list:
    """`ls --json` must hold exactly TensorFlow's keys (in list_variables order: sorted), dtypes and shapes,
    and, if `partitioned` is given, mark exactly those keys partitioned (stored as slices)."""
    problems = []
    got = ls_doc["variables"]
    got_keys = [v["key"] for v in got]
    exp_keys = [e.key for e in expected]
    if set(got_keys) != set(exp_keys):
        missing = sorted(set(exp_keys) - set(got_keys))
        extra = sorted(set(got_keys) - set(exp_keys))
        problems.append("%skeys differ: missing %r, extra %r" % (what, missing[:10], extra[:10]))
    elif got_keys != exp_keys:
        problems.append("%skey order differs from tf.train.list_variables: %r" % (what, got_keys[:10]))
    if len(got_keys) != len(set(got_keys)):
        problems.append("%sduplicate keys in ls" % what)
    by_key = {v["key"]: v for v in got}
    for e in expected:
        v = by_key.get(e.key)
        if v is None:
            continue
        if v["dtype"] != e.dtype:
            problems.append("%s%s: dtype %r, TensorFlow %r" % (what, e.key, v["dtype"], e.dtype))
        if v["shape"] != e.shape:
            problems.append("%s%s: shape %r, TensorFlow %r" % (what, e.key, v["shape"], e.shape))
        elif v.get("parameters") != e.num_elements:
            problems.append("%s%s: parameters %r, TensorFlow's shape has %d elements" % (
                what, e.key, v.get("parameters"), e.num_elements))
        if partitioned is not None and v.get("partitioned") != (e.key in partitioned):
            problems.append("%s%s: partitioned %r, TensorFlow's index %s slices for it" % (
                what, e.key, v.get("partitioned"), "holds" if e.key in partitioned else "holds no"))
    return problems


def compare_info_counts(info_doc: dict, expected: list, what: str = "") -> list:
    """info: variable_count, parameters and by_dtype (variables, parameters) as TensorFlow's listing gives them."""
    problems = []
    if info_doc["variable_count"] != len(expected):
        problems.append("%sinfo variable_count %r, TensorFlow lists %d" % (what, info_doc["variable_count"],
                                                                          len(expected)))
    want_params = sum(e.num_elements for e in expected)
    if info_doc.get("parameters") != want_params:
        problems.append("%sinfo parameters %r, TensorFlow's shapes sum to %d" % (what, info_doc.get("parameters"),
                                                                                want_params))
    want = {}
    for e in expected:
        n, p = want.get(e.dtype, (0, 0))
        want[e.dtype] = (n + 1, p + e.num_elements)
    got = {d["dtype"]: (d["variables"], d["parameters"]) for d in info_doc.get("by_dtype", [])}
    if got != want:
        problems.append("%sinfo by_dtype (variables, parameters) %r, TensorFlow %r" % (what, got, want))
    return problems


def entry_points_of_checkpoint(prefix: Path) -> list:
    """The other paths that open the same checkpoint: its .index file and every data shard."""
    shards = sorted(prefix.parent.glob(prefix.name + ".data-*-of-*"))
    return [prefix.parent / (prefix.name + ".index")] + shards


def compare_object_paths(ls_doc: dict, og: dict):
    """(problems, prefix_problems): `object_path` of every key against the oracle's owning node path.
    Keys the oracle attributes by prefix (one SerializedTensor owning several keys) go to prefix_problems."""
    by_key = {v["key"]: v for v in ls_doc["variables"]}
    problems, prefix_problems = [], []
    for t in og["tensors"]:
        v = by_key.get(t["key"])
        if v is None:
            problems.append("%s: not listed by ls" % t["key"])
            continue
        want = t.get("path") if t.get("match") in ("exact", "prefix") else None
        if t.get("kind") == "object_graph":
            want = None
            if v["kind"] != "object_graph":
                problems.append("%s: kind %r, expected object_graph" % (t["key"], v["kind"]))
        if v["object_path"] != want:
            msg = "%s: object_path %r, TensorFlow's first BFS path of the owning node %r (node %s, match %s)" % (
                t["key"], v["object_path"], want, t.get("node_id"), t.get("match"))
            (prefix_problems if t.get("match") == "prefix" else problems).append(msg)
    return problems, prefix_problems


def compare_slots(ls_doc: dict, og: dict) -> list:
    """Every slot of the oracle's object graph: slot_of / slot_name / optimizer_path (and kind `slot`);
    keys that are no slot must carry none of these."""
    by_key = {v["key"]: v for v in ls_doc["variables"]}
    problems = []
    slot_keys = set()
    for s in og["slots"]:
        if s["slot_key"] is None:
            continue
        slot_keys.add(s["slot_key"])
        v = by_key.get(s["slot_key"])
        if v is None:
            problems.append("slot %s: not listed by ls" % s["slot_key"])
            continue
        got = {"slot_of": v["slot_of"], "slot_name": v["slot_name"], "optimizer_path": v["optimizer_path"],
               "kind": v["kind"]}
        want = {"slot_of": s["original_key"], "slot_name": s["slot_name"], "optimizer_path": s["optimizer_path"],
                "kind": "slot"}
        if got != want:
            problems.append("slot %s: ours %r, TensorFlow %r" % (s["slot_key"], got, want))
    for key, v in by_key.items():
        if key not in slot_keys and (v["slot_of"] or v["slot_name"] or v["optimizer_path"] or v["kind"] == "slot"):
            problems.append("%s: we call it a slot (slot_of %r, slot_name %r, optimizer_path %r), TensorFlow's "
                            "object graph does not" % (key, v["slot_of"], v["slot_name"], v["optimizer_path"]))
    return problems


# ------------------------------------------------------------------------------------------- signatures ---

def _io_view(t: dict) -> dict:
    view = {"name": t["name"], "dtype": t["dtype"], "shape": t["shape"], "encoding": t["encoding"]}
    if t["encoding"] == "name":
        view["tensor"] = t["tensor"]
    return view


def compare_signatures(sig_doc: dict, expected_meta_graphs: list) -> list:
    """`signatures --json` against meta graphs in the oracle.json layout (tags, tensorflow_version, signatures
    with method_name and inputs/outputs {name, dtype, shape, encoding, tensor}, assets {filename, tensor} and,
    where the expectation has it, `exists`)."""
    problems = []
    got_mgs = sig_doc["meta_graphs"]
    if len(got_mgs) != len(expected_meta_graphs):
        return ["%d meta graphs, TensorFlow %d" % (len(got_mgs), len(expected_meta_graphs))]
    for i, (g, e) in enumerate(zip(got_mgs, expected_meta_graphs)):
        where = "meta_graph %d %r" % (i, e["tags"])
        if g["tags"] != e["tags"]:
            problems.append("%s: tags %r, TensorFlow %r" % (where, g["tags"], e["tags"]))
        for f in ("tensorflow_version", "tensorflow_git_version"):
            if (g.get(f) or "") != (e.get(f) or ""):
                problems.append("%s: %s %r, TensorFlow %r" % (where, f, g.get(f), e.get(f)))
        gs = {s["key"]: s for s in g["signatures"]}
        es = {s["key"]: s for s in e["signatures"]}
        if [s["key"] for s in g["signatures"]] != sorted(gs):
            problems.append("%s: signatures not sorted by key" % where)
        if set(gs) != set(es):
            problems.append("%s: signature keys %r, TensorFlow %r" % (where, sorted(gs), sorted(es)))
        for key in sorted(set(gs) & set(es)):
            a, b = gs[key], es[key]
            if a["method_name"] != b["method_name"]:
                problems.append("%s/%s: method_name %r, TensorFlow %r" % (where, key, a["method_name"],
                                                                           b["method_name"]))
            for side in ("inputs", "outputs"):
                ga = {t["name"]: _io_view(t) for t in a[side]}
                ea = {t["name"]: _io_view(t) for t in b[side]}
                if set(ga) != set(ea):
                    problems.append("%s/%s: %s %r, TensorFlow %r" % (where, key, side, sorted(ga), sorted(ea)))
                for name in sorted(set(ga) & set(ea)):
                    if ga[name] != ea[name]:
                        problems.append("%s/%s %s %r: ours %r, TensorFlow %r" % (where, key, side, name, ga[name],
                                                                                  ea[name]))
        fields = ("filename", "tensor", "exists")
        if not all("exists" in x for x in e.get("assets", [])):
            fields = fields[:2]
        ea = sorted(tuple(x[f] for f in fields) for x in e.get("assets", []))
        ga = sorted(tuple(x.get(f) for f in fields) for x in g.get("assets", []))
        if ga != ea:
            problems.append("%s: assets %r, TensorFlow %r" % (where, ga, ea))
    return problems


# -------------------------------------------------------------------------------------------- reporting ---

def assert_no_problems(problems: list, what: str = "", note: str = ""):
    if problems:
        shown = problems[:40]
        more = "\n  … and %d more" % (len(problems) - len(shown)) if len(problems) > len(shown) else ""
        pytest.fail("%s%d mismatch(es) with TensorFlow:\n  %s%s%s" % (
            what + ": " if what else "", len(problems), "\n  ".join(shown), more,
            "\n" + note if note else ""), pytrace=False)


# ----------------------------------------------------------------------------------------------- fixtures ---

@dataclass
class CkptView:
    """One checkpoint as the oracle records it, with what to hand the CLI."""
    cli_path: Path            # what the user opens: the prefix, or the SavedModel directory
    record: dict              # oracle.json checkpoint record (kind checkpoint / variables_checkpoint)
    object_graph: dict | None  # resolved (`same_as` followed), or None for name-based checkpoints
    savedmodel: bool = False  # cli_path is a SavedModel directory (record = its variables_checkpoint)
    known_nondeterminism: list = field(default_factory=list)

    @property
    def label(self):
        return self.record["path"]


@dataclass
class FixtureCase:
    name: str
    dir: Path
    oracle: dict

    @functools.cached_property
    def npz(self):
        with np.load(self.dir / "values.npz", allow_pickle=False) as z:
            return {k: z[k] for k in z.files}

    def artifacts(self, kind):
        return [a for a in self.oracle["artifacts"] if a["kind"] == kind]

    @functools.cached_property
    def checkpoints(self) -> list:
        views = []
        by_path = {a["path"]: a for a in self.artifacts("checkpoint")}

        def resolve(og):
            seen = set()
            while og is not None and "same_as" in og:
                assert og["same_as"] not in seen, "same_as cycle"
                seen.add(og["same_as"])
                og = by_path[og["same_as"]]["object_graph"]
            return og

        for a in self.artifacts("checkpoint"):
            views.append(CkptView(self.dir / a["path"], a, resolve(a.get("object_graph"))))
        for sm in self.artifacts("savedmodel"):
            vc = sm.get("variables_checkpoint")
            if vc is not None:
                views.append(CkptView(self.dir / sm["path"], vc, vc.get("object_graph"), True,
                                      list(sm.get("known_nondeterminism") or [])))
        return views

    @property
    def nondeterminism_note(self) -> str:
        """For failure messages. oracle.json and the artifacts come from one generator run, so a SavedModel
        with `known_nondeterminism` (Keras ExportArchive variable order) still matches key for key; the
        permutation README.md allows is only between two runs (compare_regenerated.py)."""
        notes = sorted({n for v in self.checkpoints for n in v.known_nondeterminism})
        if not notes:
            return ""
        return ("note: known_nondeterminism (%s). The oracle describes these very files, so this is no "
                "reordering between runs, unless the case directory mixes files of two generator runs."
                % "; ".join(notes))

    def expected(self, view: CkptView) -> list:
        return [expected_from_oracle(v, self.npz, "%s/%s" % (self.name, view.label)) for v in view.record["variables"]]


def fixture_case_names() -> list:
    if not TAG_DIR.is_dir():
        return []
    return sorted(p.name for p in TAG_DIR.iterdir() if (p / "oracle.json").is_file())


@functools.lru_cache(maxsize=None)
def load_case(name: str) -> FixtureCase:
    d = TAG_DIR / name
    with open(d / "oracle.json", encoding="utf-8") as f:
        oracle = json.load(f)
    assert oracle.get("schema") == "tensorscope.oracle/1", d
    return FixtureCase(name, d, oracle)


# ---------------------------------------------------------------------------------------------- corpus ---

def read_manifest() -> list:
    """MANIFEST.tsv rows as dicts (header: slug, kind, source_repo, …)."""
    path = CORPUS_DIR / "MANIFEST.tsv"
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


@functools.lru_cache(maxsize=None)
def oracle_generator():
    """tests/oracle/generate.py as a module (it imports TensorFlow only inside its functions): the corpus
    tests describe object graphs and meta graphs with the very code that wrote the fixtures' oracle.json."""
    spec = importlib.util.spec_from_file_location("tscope_oracle_generate", ORACLE_DIR / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported once, in this process (the live oracle for the corpus)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import tensorflow as tf_module
    tf_module.get_logger().setLevel("ERROR")
    return tf_module

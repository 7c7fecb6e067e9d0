#!/usr/bin/env python3
"""Fixture generator: real TensorFlow writes the artifacts *and* records its own view of them.

Usage (run from the repository root, with one of the venvs made by scripts/setup-tf-envs.sh):

    ~/.cache/tensorscope/venvs/tf215/bin/python tests/oracle/generate.py --out tests/fixtures/tf215
    ~/.cache/tensorscope/venvs/tfcur/bin/python tests/oracle/generate.py --out tests/fixtures/tfcur
    ... --case ckpt_dtypes_object --case sm_module_hashtables   # only some cases
    ... --list                                                    # list the cases, run nothing

Every case runs in its own fresh Python process (one at a time), so that graph-mode cases, logical-device
setup and TensorFlow's global name counters cannot leak from one case into another. A case writes
`<out>/<case>/` holding the artifacts TensorFlow wrote plus

* `oracle.json`: TensorFlow's view (see README.md for the layout), always with `tensorflow_version` and
  `generator_case`;
* `values.npz`: every checkpoint tensor as `tf.train.load_checkpoint(p).get_tensor(key)` returns it, and the
  reference inputs/outputs of SavedModel signatures (`sig/<dir>/<key>/in|out/<name>`). The npz member of each
  tensor is named in oracle.json (`npz`), string tensors are in oracle.json as base64 (`strings_base64`), and
  dtypes numpy cannot hold natively (bfloat16, float8_*, int4, ...) are stored as a uint8/uint16 view of their
  bits (`npz_view`).

Cases a TensorFlow version cannot produce are listed in `<out>/skipped.json` with the reason.
"""
from __future__ import annotations

import argparse
import base64
import collections
import glob
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240611
ORACLE_SCHEMA = "tensorscope.oracle/1"

# --------------------------------------------------------------------------------------------------------------
# Fields and files that TensorFlow fills with time, random ids or process-global counters. A comparer must
# ignore them. Field patterns are paths through oracle.json: dict keys, "*" = any one key or list index,
# "**" = any number of levels.
VOLATILE_FIELDS = [
    # `checkpoint` state files: CheckpointManager / Saver write wall-clock timestamps.
    "**/checkpoint_state/all_model_checkpoint_timestamps",
    "**/checkpoint_state/last_preserved_timestamp",
    # fingerprint.pb: `uuid` is random (TF >= 2.16). The hashes are deterministic for a given TF build and
    # input (verified by compare_regenerated.py), but they change with anything in the graph, so treat them
    # as advisory: compare_regenerated.py checks them, conformance tests should not.
    "**/fingerprint/uuid",
]
# Fields that are deterministic for one TF build when a case is regenerated from scratch (each case runs in a
# fresh process), but are *not* stable across TF versions or if the case's code changes: function names carry
# a process-global uid suffix (`__inference_signature_wrapper_1234`), fingerprint hashes cover the graph.
# compare_regenerated.py compares them; cross-version comparers should ignore them.
BUILD_SPECIFIC_FIELDS = [
    "**/concrete_functions",
    "**/function_names",
    "**/fingerprint",
    "**/fingerprint_via_tf",
    "**/graph/**",
]
# Keras ExportArchive (model.export, keras.export.ExportArchive) stores the variables used by the endpoints as
# lists (`variables/<i>`; Keras 3 also `_all_variables/<i>`) in the order of FuncGraph._watched_variables, an
# ObjectIdentityWeakSet, i.e. memory-address order. Which variable gets which index therefore changes from
# run to run (seen in TF 2.15 and 2.21). The generator runs workers with ASLR disabled (setarch -R), which
# helps but does not make it repeatable; compare_regenerated.py falls back to a permutation-tolerant
# comparison for SavedModels carrying this note.
KERAS_EXPORT_ORDER_NOTE = ("Keras ExportArchive: the order of the exported variable lists (variables/<i>, "
                           "_all_variables/<i>) follows FuncGraph._watched_variables (ObjectIdentityWeakSet, "
                           "memory-address order) and is not reproducible across processes")
# Files (globs relative to a case directory) whose bytes are not reproducible.
VOLATILE_FILES = [
    "**/checkpoint",            # CheckpointState text proto with timestamps
    "**/fingerprint.pb",        # random uuid (TF >= 2.16)
]
# Files whose bytes are reproducible only within one TF build (graph protos embed uid-suffixed function names
# and the TF version). compare_regenerated.py compares them and reports differences; .index / .data files
# must always be byte-identical.
BUILD_SPECIFIC_FILES = [
    "**/saved_model.pb",
    "**/*.meta",
    "**/keras_metadata.pb",
]

# --------------------------------------------------------------------------------------------------------------
# Floating-point reproducibility across machines.
#
# One TensorFlow wheel gives different last bits on different x86-64 CPUs: oneDNN (on by default) picks its
# matmul/softmax/elementwise kernels at run time (AVX2, AVX-512, AMX), and those kernels sum and fuse (FMA) in a
# different order. Everything *derived* from such values differs too: training updates, optimizer slots,
# signature outputs, the tensor CRCs in the `.index`, the `.data-*` bytes, the fingerprint's checkpoint_hash.
# Integer arithmetic, constants, numpy-computed values and TensorFlow's counter-based RNG (Philox, used by
# every seeded initializer) are the same on every CPU.
#
# So each case declares (the `values=` argument of @case) which of its values are computed:
#   EXACT    variables come from constants, numpy or seeded initializers: bit-exact on every machine. The
#            bundle files and every variable value are compared byte for byte. Only signature reference
#            outputs (values.npz members `sig/<dir>/<signature>/out/<name>`) come out of running the model,
#            on every case, so they are always compared within the tolerance below.
#   TRAINED  variables or slots are updated by training steps: float tensors (values.npz and the bundle
#            payloads) are compared within the tolerance; `.index` files by structure (keys, dtypes, shapes,
#            shards, offsets, sizes, slices, but not CRCs); non-float payloads (step counters, the object
#            graph, strings) still byte for byte; the fingerprint's checkpoint_hash is ignored.
# Bit-exact reading is still proven on these cases: the conformance suite compares our reader with the values
# TensorFlow recorded next to the committed bytes, which never change.
#
# Tolerance, per float value (a = committed, b = regenerated; NaN and +-inf must sit at the same places):
#     |a - b| <= FLOAT_RTOL * max(|a|, |b|) + FLOAT_ATOL_OF_MAX * max|A|
# where max|A| is the largest finite magnitude in the committed tensor. The second term is an absolute bound
# scaled to the tensor, for entries near zero (Adam's `v`, gradients that cancel) whose relative error is large.
# Calibrated (tests/oracle/README.md, "Calibration"; scripts/calibrate-float-tolerance.py) on the committed
# fixtures (written on an AVX2 machine) against regenerations on an AVX-512 machine, with oneDNN limited to
# AVX2 and with oneDNN off, both TF versions: over 6425 differing values the largest relative difference of a
# value not near zero was 1.1e-5 (~180 ULP), the largest anywhere 1.5e-4 (1948 ULP: a value of 9e-8 in a slot
# whose largest entry is 3e-3), the largest |a - b| / max|A| 3.2e-7 (covered by the relative term). With
# FLOAT_RTOL = 1e-4 the second term needs 2.5e-9 x max|A|; 1e-7 leaves a 40x margin. A 1 % change of any value
# larger than 1e-5 x max|A| fails.
EXACT = "exact"
TRAINED = "trained"
FLOAT_RTOL = 1e-4
FLOAT_ATOL_OF_MAX = 1e-7
CASE_VALUES = {}
# oracle.json fields that are hashes over trained bytes (ignored for TRAINED cases only).
TRAINED_HASH_FIELDS = [
    "**/fingerprint/checkpoint_hash",
    "**/fingerprint_via_tf/checkpoint_hash",
]

# --------------------------------------------------------------------------------------------------------------
# Small helpers that do not need TensorFlow.


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def escape_local_name(name: str) -> str:
    """TF's trackable_utils.escape_local_name: '.' -> '..', '/' -> '.S'."""
    return name.replace(".", "..").replace("/", ".S")


def bfs_first_paths(children):
    """children: list (node id -> [(local_name, child_id)]). Returns {node_id: [local names]} for every node
    reachable from node 0, using the first path a breadth-first traversal finds (children in listed order)."""
    paths = {0: []}
    queue = collections.deque([0])
    while queue:
        n = queue.popleft()
        for name, c in children[n]:
            if c not in paths:
                paths[c] = paths[n] + [name]
                queue.append(c)
    return paths


def join_path(names):
    return "/".join(escape_local_name(n) for n in names)


def write_npz_deterministic(path, arrays):
    """Like np.savez_compressed, but with fixed zip timestamps so that regenerating gives identical bytes."""
    import numpy as np
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def _format_json(obj, level=0, width=110):
    """Pretty JSON that keeps small containers on one line (readable diffs, small files)."""
    flat = json.dumps(obj, sort_keys=True, ensure_ascii=False, allow_nan=False)
    if len(flat) + level <= width or not isinstance(obj, (dict, list)) or not obj:
        return flat
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(obj, dict):
        items = [inner + json.dumps(k, ensure_ascii=False) + ": " + _format_json(obj[k], level + 1, width)
                 for k in sorted(obj)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + _format_json(v, level + 1, width) for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def dump_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(_format_json(obj))
        f.write("\n")


def installed_tf_version():
    for dist in ("tensorflow-cpu", "tensorflow", "tf-nightly-cpu", "tf-nightly"):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return None


def tag_for_version(v: str) -> str:
    return "tf215" if v.startswith("2.15.") else "tfcur"


# --------------------------------------------------------------------------------------------------------------
# Case registry. Each builder receives a Ctx and writes artifacts below ctx.dir, registering each one with
# ctx.checkpoint / ctx.checkpoint_dir / ctx.savedmodel. Raise Skip(reason) if this TF cannot produce the case.

CASES = collections.OrderedDict()


class Skip(Exception):
    pass


def case(name, doc, values=EXACT):
    """Register a case. `values` says which of its float values come out of CPU-dependent arithmetic (see
    FLOAT_REPRODUCIBILITY); it must be TRAINED for any case whose variables are updated by training steps."""
    if values not in (EXACT, TRAINED):
        raise ValueError(values)

    def deco(fn):
        CASES[name] = (fn, doc)
        CASE_VALUES[name] = values
        return fn
    return deco


# ============================================================================================== worker side ===

class Ctx:
    """Per-case context inside the worker process (TensorFlow imported)."""

    def __init__(self, name, case_dir):
        import numpy as np
        import tensorflow as tf
        self.tf = tf
        self.np = np
        self.name = name
        self.dir = case_dir
        self.artifacts = []
        self.arrays = {}
        self.notes = []
        self.object_graphs = []  # (checkpoint path, described object graph) already recorded in this case
        self.keras = _import_keras()
        self.keras_major = int(self.keras.__version__.split(".")[0]) if self.keras else None

    def p(self, *rel):
        path = os.path.join(self.dir, *rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def rel(self, path):
        return os.path.relpath(path, self.dir).replace(os.sep, "/")

    # -- registration ------------------------------------------------------------------------------------------
    def checkpoint(self, prefix, live_root=None, extra=None):
        rec = describe_checkpoint(self, prefix, live_root)
        if extra:
            rec.update(extra)
        self.artifacts.append(rec)
        return rec

    def checkpoint_dir(self, directory, live_root=None, extra=None):
        """A training directory with a `checkpoint` state file; records the state and every listed checkpoint
        (the live root, if given, is cross-checked against the newest one)."""
        tf = self.tf
        state = tf.train.get_checkpoint_state(directory)
        latest = tf.train.latest_checkpoint(directory)
        rec = {
            "kind": "checkpoint_dir",
            "path": self.rel(directory),
            "latest_checkpoint": self.rel(latest) if latest else None,
            "checkpoint_state": _checkpoint_state_json(self, directory, state),
            "checkpoints": [],
        }
        if extra:
            rec.update(extra)
        self.artifacts.append(rec)
        for p in state.all_model_checkpoint_paths:
            full = p if os.path.isabs(p) else os.path.join(directory, p)
            sub = describe_checkpoint(self, full, live_root if full == latest else None)
            rec["checkpoints"].append(sub["path"])
            self.artifacts.append(sub)
        return rec

    def savedmodel(self, directory, signature_inputs=None, extra=None):
        rec = describe_savedmodel(self, directory, signature_inputs or {})
        if extra:
            rec.update(extra)
        self.artifacts.append(rec)
        return rec


def _import_keras():
    try:
        import tensorflow as tf
        k = tf.keras
        ver = None
        try:
            import keras as standalone
            ver = standalone.__version__
        except Exception:
            pass
        if not ver:
            ver = getattr(k, "__version__", None)
        k.__version__ = ver  # tf.keras of 2.15 lacks __version__ sometimes
        return k
    except Exception:
        return None


def dtype_name(dt):
    import tensorflow as tf
    return tf.as_dtype(dt).name


def shape_list(shape):
    """TensorShape / list -> list with -1 for unknown dims, or None for unknown rank."""
    import tensorflow as tf
    s = tf.TensorShape(shape)
    if s.rank is None:
        return None
    return [-1 if d is None else int(d) for d in s.as_list()]


def shape_proto_list(sp):
    if sp.unknown_rank:
        return None
    return [int(d.size) for d in sp.dim]


_STD_NP = None


def _to_npz_array(arr):
    """Return (array for npz, view name or None). Non-numpy dtypes (ml_dtypes) become unsigned views."""
    import numpy as np
    global _STD_NP
    if _STD_NP is None:
        _STD_NP = {np.dtype(x) for x in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                         "uint64", "float16", "float32", "float64", "complex64", "complex128")}
    arr = np.asarray(arr)
    if arr.dtype in _STD_NP:
        return arr, None
    view = np.dtype("uint%d" % (8 * arr.dtype.itemsize))
    return arr.view(view), view.name


def _checkpoint_state_json(ctx, directory, state):
    """The raw `checkpoint` text proto (paths exactly as written) plus TF's resolved view of it
    (tf.train.get_checkpoint_state makes relative paths absolute; recorded here relative to the case dir)."""
    if state is None:
        return None
    from google.protobuf import text_format
    from tensorflow.python.checkpoint import checkpoint_management
    raw = checkpoint_management.CheckpointState()
    with open(os.path.join(directory, "checkpoint"), "r", encoding="utf-8") as f:
        text_format.Merge(f.read(), raw)
    return {
        "model_checkpoint_path": raw.model_checkpoint_path,
        "all_model_checkpoint_paths": list(raw.all_model_checkpoint_paths),
        "all_model_checkpoint_timestamps": list(raw.all_model_checkpoint_timestamps),
        "last_preserved_timestamp": raw.last_preserved_timestamp,
        "paths_are_relative": all(not os.path.isabs(p) for p in raw.all_model_checkpoint_paths)
        and not os.path.isabs(raw.model_checkpoint_path),
        "resolved_model_checkpoint_path": ctx.rel(state.model_checkpoint_path),
        "resolved_all_model_checkpoint_paths": [ctx.rel(p) for p in state.all_model_checkpoint_paths],
    }


_DEBUG_LINE = re.compile(rb"^(.*) \((DT_[A-Z0-9_]+)\) \[([0-9,\-]*)\]$", re.S)


def _index_entries_from_debug_string(reader):
    """BundleReader::DebugString: one line per index entry (header excluded) with raw key bytes. Full-tensor
    records of partitioned variables are not listed by TF, their slices are (keys starting with 0x00)."""
    from tensorflow.core.framework import types_pb2
    raw = reader.debug_string()
    out = []
    for line in raw.split(b"\n"):
        if not line:
            continue
        m = _DEBUG_LINE.match(line)
        if not m:
            out.append({"unparsed_base64": b64(line)})
            continue
        key, dt, shape = m.groups()
        ent = {"key_base64": b64(key), "dtype": dtype_name(types_pb2.DataType.Value(dt.decode())),
               "shape": [int(x) for x in shape.split(b",")] if shape else []}
        try:
            if not key.startswith(b"\x00"):
                ent["key"] = key.decode("utf-8")
        except UnicodeDecodeError:
            pass
        out.append(ent)
    return out


def describe_checkpoint(ctx, prefix, live_root=None):
    tf, np = ctx.tf, ctx.np
    if prefix.endswith(".index"):
        prefix = prefix[: -len(".index")]
    rel = ctx.rel(prefix)
    reader = tf.train.load_checkpoint(prefix)
    listed = tf.train.list_variables(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    shapes = reader.get_variable_to_shape_map()
    base = os.path.basename(prefix)
    files = sorted(f for f in os.listdir(os.path.dirname(prefix) or ".")
                   if f.startswith(base + ".") and (f == base + ".index" or f == base + ".meta"
                                                     or re.fullmatch(re.escape(base) + r"\.data-\d{5}-of-\d{5}", f)))
    data_files = [f for f in files if ".data-" in f]
    rec = {
        "kind": "checkpoint",
        "path": rel,
        "files": files,
        "num_shards": len(data_files),
        "format": "tf2-object" if "_CHECKPOINTABLE_OBJECT_GRAPH" in dtypes else "tf1-name",
        "variable_count": len(listed),
        "variables": [],
    }
    long_keys = any(len(k) > 200 for k, _ in listed)
    for i, (key, shape) in enumerate(listed):
        v = {"key": key, "dtype": dtypes[key].name, "shape": [int(d) for d in shape]}
        assert list(shapes[key]) == list(shape), (key, shapes[key], shape)
        v["num_elements"] = int(np.prod(shape, dtype=np.int64)) if shape else 1
        try:
            val = reader.get_tensor(key)
        except Exception as e:  # e.g. DT_VARIANT: "Tensorflow type 21 not convertible to numpy dtype"
            v["value_error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0])
            rec["variables"].append(v)
            continue
        if dtypes[key] == tf.string:
            flat = [bytes(s) for s in np.asarray(val, dtype=object).reshape(-1)]
            if sum(len(s) for s in flat) > 2048:  # e.g. the serialized object graph: keep oracle.json small
                v["strings_sha256"] = [hashlib.sha256(s).hexdigest() for s in flat]
                v["strings_length"] = [len(s) for s in flat]
            else:
                v["strings_base64"] = [b64(s) for s in flat]
        else:
            arr, view = _to_npz_array(val)
            assert list(arr.shape) == v["shape"], (key, arr.shape, shape)
            name = "%s|%s" % (rel, ("#%d" % i) if long_keys else key)
            ctx.arrays[name] = arr
            v["npz"] = name
            if view:
                v["npz_view"] = view
        rec["variables"].append(v)
    entries = _index_entries_from_debug_string(reader)
    if any("key" not in e for e in entries):  # slices (or odd keys) present: record the raw index view
        rec["index_entries"] = entries
    if "_CHECKPOINTABLE_OBJECT_GRAPH" in dtypes:
        og = describe_object_graph(ctx, reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"),
                                   [k for k, _ in listed], live_root)
        # Training directories repeat the same graph in every checkpoint: refer to the first copy.
        same = next((p for p, g in ctx.object_graphs if _og_structure(g) == _og_structure(og)), None)
        if same is not None:
            rec["object_graph"] = {"same_as": same, "path_checks": og["path_checks"]}
        else:
            rec["object_graph"] = og
            ctx.object_graphs.append((rel, og))
    meta = prefix + ".meta"
    if os.path.exists(meta):
        rec["meta_graph"] = describe_meta_graph_file(ctx, meta)
    return rec


def _og_structure(og):
    return {k: v for k, v in og.items() if k != "path_checks"}


def describe_object_graph(ctx, blob, keys, live_root):
    from tensorflow.core.protobuf import trackable_object_graph_pb2
    g = trackable_object_graph_pb2.TrackableObjectGraph()
    g.ParseFromString(bytes(blob))
    children = [[(c.local_name, c.node_id) for c in n.children] for n in g.nodes]
    paths = bfs_first_paths(children)
    path_str = {n: join_path(p) for n, p in paths.items()}
    checks = []

    # Cross-check 1: TF's own escaping/joining helper over the same BFS path.
    try:
        from tensorflow.python.trackable import base as tr_base
        from tensorflow.python.trackable import trackable_utils
        for n, p in paths.items():
            tf_str = trackable_utils.object_path_to_string([tr_base.TrackableReference(x, None) for x in p])
            if tf_str != path_str[n]:
                checks.append("node %d: object_path_to_string=%r ours=%r" % (n, tf_str, path_str[n]))
    except Exception as e:  # pragma: no cover
        checks.append("object_path_to_string unavailable: %s" % e)

    nodes = []
    slot_links = []
    attr_owner = []  # (checkpoint_key, node_id, attr name)
    slot_paths = {}
    for nid, n in enumerate(g.nodes):
        for s in n.slot_variables:
            orig = path_str.get(s.original_variable_node_id)
            opt = path_str.get(nid)
            if orig is not None and opt is not None:
                slot_paths[s.slot_variable_node_id] = "%s/.OPTIMIZER_SLOT/%s/%s" % (
                    orig, opt, escape_local_name(s.slot_name))
    for nid, n in enumerate(g.nodes):
        node = {
            "id": nid,
            "path": path_str.get(nid, slot_paths.get(nid)),
            "reachable": nid in paths,
            "children": [{"name": c.local_name, "id": c.node_id} for c in n.children],
            "attributes": [{"name": a.name, "full_name": a.full_name, "checkpoint_key": a.checkpoint_key}
                           for a in n.attributes],
        }
        if n.slot_variables:
            node["slot_variables"] = [{"original_variable_node_id": s.original_variable_node_id,
                                       "slot_name": s.slot_name,
                                       "slot_variable_node_id": s.slot_variable_node_id}
                                      for s in n.slot_variables]
        if n.HasField("registered_saver"):
            node["registered_saver"] = {"name": n.registered_saver.name,
                                        "object_name": n.registered_saver.object_name}
        if n.HasField("has_checkpoint_values"):
            node["has_checkpoint_values"] = bool(n.has_checkpoint_values.value)
        nodes.append(node)
        for a in n.attributes:
            attr_owner.append((a.checkpoint_key, nid, a.name))
            # Cross-check 2: TF formed each attribute key from the node's path.
            p = node["path"]
            if p is not None:
                expect = "%s/.ATTRIBUTES/%s" % (p, escape_local_name(a.name))
                if a.checkpoint_key != expect:
                    checks.append("node %d attribute %r: key %r != path-derived %r"
                                  % (nid, a.name, a.checkpoint_key, expect))

    def var_key(nid):
        for a in g.nodes[nid].attributes:
            if a.name == "VARIABLE_VALUE":
                return a.checkpoint_key
        return None

    for nid, n in enumerate(g.nodes):
        for s in n.slot_variables:
            slot_links.append({
                "slot_key": var_key(s.slot_variable_node_id),
                "original_key": var_key(s.original_variable_node_id),
                "slot_name": s.slot_name,
                "optimizer_path": path_str.get(nid),
                "slot_path": slot_paths.get(s.slot_variable_node_id),
                "optimizer_node_id": nid,
                "original_variable_node_id": s.original_variable_node_id,
                "slot_variable_node_id": s.slot_variable_node_id,
            })

    # Map every bundle key to the SerializedTensor that owns it. Objects that serialize several tensors
    # (lookup tables, dataset iterators) record a *prefix* as checkpoint_key (e.g. `table/.ATTRIBUTES/table`
    # owns `table-keys` and `table-values`), so fall back to the longest prefix.
    by_key = {k: (nid, name) for k, nid, name in attr_owner}
    tensors = []
    for key in keys:
        if key == "_CHECKPOINTABLE_OBJECT_GRAPH":
            tensors.append({"key": key, "kind": "object_graph", "node_id": None, "match": None})
            continue
        if key in by_key:
            nid, an = by_key[key]
            match = "exact"
        else:
            cands = [(len(k), k) for k in by_key if key.startswith(k)]
            if cands:
                nid, an = by_key[max(cands)[1]]
                match = "prefix"
            else:
                nid, an, match = None, None, None
        t = {"key": key, "node_id": nid, "attribute": an, "match": match,
             "path": nodes[nid]["path"] if nid is not None else None}
        if nid is not None and any(sl["slot_variable_node_id"] == nid for sl in slot_links):
            t["kind"] = "slot"
        elif nid is not None:
            t["kind"] = "variable" if an == "VARIABLE_VALUE" else "attribute"
        else:
            t["kind"] = "other"
        tensors.append(t)

    # Cross-check 3: TF's traversal of the live object (when we still hold it) gives the same ids and paths.
    live = None
    if live_root is not None:
        live = {"checked": False}
        try:
            from tensorflow.python.checkpoint import graph_view as gv
            from tensorflow.python.checkpoint import util as ckpt_util
            res = ckpt_util.objects_ids_and_slot_variables_and_paths(gv.ObjectGraphView(live_root))
            objs, object_names = res[0], res[-1]
            live["bfs_nodes"] = len(objs)
            for i, o in enumerate(objs):
                if i >= len(g.nodes):
                    checks.append("live traversal has extra node %d %r" % (i, object_names[o]))
                    continue
                if object_names[o] != nodes[i]["path"]:
                    checks.append("live node %d: TF path %r, ours %r" % (i, object_names[o], nodes[i]["path"]))
            live["checked"] = True
        except Exception as e:  # pragma: no cover
            checks.append("live traversal failed: %s" % e)
    for c in checks:
        print("  [path-check] %s" % c, file=sys.stderr)
    return {
        "node_count": len(g.nodes),
        "nodes": nodes,
        "tensors": tensors,
        "slots": slot_links,
        "path_checks": {"ok": not checks, "problems": checks, "live_traversal": live},
    }


def describe_meta_graph_file(ctx, path):
    from tensorflow.core.protobuf import meta_graph_pb2
    mg = meta_graph_pb2.MetaGraphDef()
    with open(path, "rb") as f:
        mg.ParseFromString(f.read())
    return describe_meta_graph(ctx, mg, with_signatures=False)


def describe_meta_graph(ctx, mg, with_signatures=True):
    from tensorflow.core.framework import variable_pb2
    mi = mg.meta_info_def
    out = {
        "tags": list(mi.tags),
        "tensorflow_version": mi.tensorflow_version,
        "tensorflow_git_version": mi.tensorflow_git_version,
        "stripped_default_attrs": mi.stripped_default_attrs,
        "ops": sorted({op.name for op in mi.stripped_op_list.op}),
        "collection_keys": sorted(mg.collection_def.keys()),
        "graph": {
            "node_count": len(mg.graph_def.node),
            "function_count": len(mg.graph_def.library.function),
            "function_node_count": sum(len(f.node_def) for f in mg.graph_def.library.function),
            "producer": mg.graph_def.versions.producer,
            "function_names": sorted(f.signature.name for f in mg.graph_def.library.function),
        },
    }
    if mg.HasField("saver_def"):
        sd = mg.saver_def
        out["saver_def"] = {
            "filename_tensor_name": sd.filename_tensor_name, "save_tensor_name": sd.save_tensor_name,
            "restore_op_name": sd.restore_op_name, "max_to_keep": sd.max_to_keep, "sharded": sd.sharded,
            "keep_checkpoint_every_n_hours": sd.keep_checkpoint_every_n_hours,
            "version": type(sd).CheckpointFormatVersion.Name(sd.version),
        }
    tf1_vars = []
    for coll in ("variables", "trainable_variables"):
        if coll in mg.collection_def:
            for raw in mg.collection_def[coll].bytes_list.value:
                vd = variable_pb2.VariableDef()
                vd.ParseFromString(raw)
                item = {"collection": coll, "variable_name": vd.variable_name, "is_resource": vd.is_resource,
                        "trainable": vd.trainable}
                if vd.HasField("save_slice_info_def"):
                    si = vd.save_slice_info_def
                    item["save_slice_info"] = {"full_name": si.full_name, "full_shape": list(si.full_shape),
                                               "var_offset": list(si.var_offset), "var_shape": list(si.var_shape)}
                tf1_vars.append(item)
    if tf1_vars:
        out["tf1_variables"] = tf1_vars
    if with_signatures:
        sigs = []
        for key in sorted(mg.signature_def):
            sd = mg.signature_def[key]
            sigs.append({"key": key, "method_name": sd.method_name,
                         "inputs": [_tensor_info(n, sd.inputs[n]) for n in sorted(sd.inputs)],
                         "outputs": [_tensor_info(n, sd.outputs[n]) for n in sorted(sd.outputs)],
                         "defaults": sorted(sd.defaults.keys())})
        out["signatures"] = sigs
        out["assets"] = [{"filename": a.filename, "tensor": a.tensor_info.name} for a in mg.asset_file_def]
        out["object_graph"] = describe_saved_object_graph(ctx, mg) if mg.HasField("object_graph_def") else None
    return out


def _tensor_info(name, ti):
    import tensorflow as tf
    enc = ti.WhichOneof("encoding")
    rec = {"name": name, "encoding": enc, "dtype": tf.as_dtype(ti.dtype).name if ti.dtype else "invalid",
           "dtype_enum": int(ti.dtype),
           "shape": shape_proto_list(ti.tensor_shape) if ti.HasField("tensor_shape") else None}
    if enc == "name":
        rec["tensor"] = ti.name
    elif enc == "coo_sparse":
        rec["tensor"] = None
        rec["coo_sparse"] = {"values": ti.coo_sparse.values_tensor_name,
                             "indices": ti.coo_sparse.indices_tensor_name,
                             "dense_shape": ti.coo_sparse.dense_shape_tensor_name}
    else:
        rec["tensor"] = None
        rec["components"] = [_tensor_info(str(i), c) for i, c in enumerate(ti.composite_tensor.components)]
    return rec


def describe_saved_object_graph(ctx, mg):
    import tensorflow as tf
    og = mg.object_graph_def
    children = [[(c.local_name, c.node_id) for c in n.children] for n in og.nodes]
    paths = bfs_first_paths(children)
    nodes = []
    for nid, n in enumerate(og.nodes):
        kind = n.WhichOneof("kind")
        node = {"id": nid, "kind": kind, "path": join_path(paths[nid]) if nid in paths else None,
                "children": [{"name": c.local_name, "id": c.node_id} for c in n.children],
                "identifier": n.user_object.identifier if kind == "user_object" else None}
        if n.dependencies:
            node["dependencies"] = [{"name": c.local_name, "id": c.node_id} for c in n.dependencies]
        if n.registered_name:
            node["registered_name"] = n.registered_name
        if kind == "variable":
            v = n.variable
            node["variable"] = {"dtype": tf.as_dtype(v.dtype).name, "shape": shape_proto_list(v.shape),
                                "trainable": v.trainable, "name": v.name}
        elif kind == "function":
            node["concrete_functions"] = list(n.function.concrete_functions)
        elif kind == "bare_concrete_function":
            node["concrete_functions"] = [n.bare_concrete_function.concrete_function_name]
            node["argument_keywords"] = list(n.bare_concrete_function.argument_keywords)
        elif kind == "asset":
            node["asset_file_def_index"] = n.asset.asset_file_def_index
        if n.saveable_objects:
            node["saveable_objects"] = sorted(n.saveable_objects.keys())
        if n.slot_variables:
            node["slot_variables"] = [{"original_variable_node_id": s.original_variable_node_id,
                                       "slot_name": s.slot_name,
                                       "slot_variable_node_id": s.slot_variable_node_id}
                                      for s in n.slot_variables]
        nodes.append(node)
    kinds = collections.Counter(n["kind"] for n in nodes)
    return {"node_count": len(nodes), "kinds": dict(sorted(kinds.items())), "nodes": nodes,
            "concrete_function_count": len(og.concrete_functions)}


def _spec_json(x):
    """structured_input_signature / structured_outputs -> JSON."""
    import tensorflow as tf
    if isinstance(x, tf.TensorSpec):
        return {"tensor_spec": {"name": x.name, "dtype": x.dtype.name, "shape": shape_list(x.shape)}}
    if isinstance(x, tf.TypeSpec):
        return {"type_spec": type(x).__name__, "repr": repr(x)}
    if isinstance(x, dict):
        return {"dict": {str(k): _spec_json(v) for k, v in sorted(x.items())}}
    if isinstance(x, (list, tuple)):
        return {"tuple" if isinstance(x, tuple) else "list": [_spec_json(v) for v in x]}
    if x is None:
        return None
    return {"python": repr(x)}


def _make_input(spec, override=None):
    """Deterministic input for a TensorSpec: unknown dims -> 2 (batch) / 3 (others)."""
    import numpy as np
    import tensorflow as tf
    if override is not None:
        return np.asarray(override)
    dims = shape_list(spec.shape)
    if dims is None:
        dims = [2, 3]
    dims = [(2 if i == 0 else 3) if d == -1 else d for i, d in enumerate(dims)]
    n = int(np.prod(dims, dtype=np.int64)) if dims else 1
    if spec.dtype == tf.string:
        words = [b"apple", b"banana", b"cherry", b"zebra-oov", b""]
        return np.array([words[i % len(words)] for i in range(n)], dtype=object).reshape(dims)
    if spec.dtype.is_bool:
        return (np.arange(n) % 2 == 0).reshape(dims)
    if spec.dtype.is_integer:
        return (np.arange(n) % 4).astype(spec.dtype.as_numpy_dtype).reshape(dims)
    if spec.dtype.is_floating:
        return (((np.arange(n) % 11) - 5) / 4.0).astype(spec.dtype.as_numpy_dtype).reshape(dims)
    raise ValueError("no input recipe for %r" % spec)


def _store_sig_value(ctx, store, name, value, prefix):
    import numpy as np
    value = np.asarray(value)
    if value.dtype == object:
        store[name] = {"dtype": "string", "shape": list(value.shape),
                       "strings_base64": [b64(bytes(s)) for s in value.reshape(-1)]}
    else:
        arr, view = _to_npz_array(value)
        key = "%s/%s" % (prefix, name)
        ctx.arrays[key] = arr
        store[name] = {"npz": key, "dtype": str(value.dtype), "shape": list(value.shape)}
        if view:
            store[name]["npz_view"] = view


def describe_savedmodel(ctx, directory, signature_inputs):
    tf, np = ctx.tf, ctx.np
    from tensorflow.core.protobuf import saved_model_pb2
    rel = ctx.rel(directory)
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(directory, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    rec = {
        "kind": "savedmodel",
        "path": rel,
        "files": sorted(os.path.relpath(os.path.join(r, f), directory).replace(os.sep, "/")
                        for r, _, fs in os.walk(directory) for f in fs),
        "saved_model_schema_version": sm.saved_model_schema_version,
        "meta_graphs": [describe_meta_graph(ctx, mg) for mg in sm.meta_graphs],
        "has_keras_metadata": os.path.exists(os.path.join(directory, "keras_metadata.pb")),
        "contains_saved_model": bool(tf.saved_model.contains_saved_model(directory)),
    }
    rec["format"] = "tf2" if (len(sm.meta_graphs) == 1 and sm.meta_graphs[0].HasField("object_graph_def")) else "tf1"
    fp = os.path.join(directory, "fingerprint.pb")
    if os.path.exists(fp):
        from tensorflow.core.protobuf import fingerprint_pb2
        fd = fingerprint_pb2.FingerprintDef()
        with open(fp, "rb") as f:
            fd.ParseFromString(f.read())
        rec["fingerprint"] = {k: str(getattr(fd, k)) for k in
                              ("saved_model_checksum", "graph_def_program_hash", "signature_def_hash",
                               "saved_object_graph_hash", "checkpoint_hash") if hasattr(fd, k)}
        rec["fingerprint"]["uuid"] = getattr(fd, "uuid", None) or None
        rec["fingerprint"]["version_producer"] = fd.version.producer
        # TF's own reader, when present.
        try:
            rec["fingerprint_via_tf"] = {"present": True}
            tfp = tf.saved_model.experimental.read_fingerprint(directory)
            rec["fingerprint_via_tf"]["checkpoint_hash"] = str(tfp.checkpoint_hash)
            rec["fingerprint_via_tf"]["saved_model_checksum"] = str(tfp.saved_model_checksum)
        except Exception as e:
            rec["fingerprint_via_tf"] = {"present": False, "error": str(e).splitlines()[0]}
    else:
        rec["fingerprint"] = None
    assets_dir = os.path.join(directory, "assets")
    if os.path.isdir(assets_dir):
        rec["asset_files"] = [{"filename": f, "sha256": hashlib.sha256(open(os.path.join(assets_dir, f), "rb").read()).hexdigest()}
                              for f in sorted(os.listdir(assets_dir))]
    var_prefix = os.path.join(directory, "variables", "variables")
    if os.path.exists(var_prefix + ".index"):
        rec["variables_checkpoint"] = describe_checkpoint(ctx, var_prefix)
        if any(v["key"].startswith("_all_variables/") for v in rec["variables_checkpoint"]["variables"]):
            rec["known_nondeterminism"] = [KERAS_EXPORT_ORDER_NOTE]  # Keras 3 export, however it was called
        # Node ids of the checkpoint object graph vs the SavedObjectGraph (FORMATS.md 5.1).
        og = rec["variables_checkpoint"].get("object_graph")
        sog = rec["meta_graphs"][0]["object_graph"] if rec["format"] == "tf2" else None
        if og and sog:
            same = all(og["nodes"][i]["children"] == sog["nodes"][i]["children"] for i in range(og["node_count"])
                       if i < sog["node_count"])
            rec["checkpoint_nodes_match_saved_object_graph"] = same
    # Loaded view + reference outputs.
    loaded = tf.saved_model.load(directory)
    sigs = {}
    for key in sorted(loaded.signatures.keys()):
        fn = loaded.signatures[key]
        args, kwargs = fn.structured_input_signature
        entry = {"structured_input_signature": _spec_json((args, kwargs)),
                 "structured_outputs": _spec_json(fn.structured_outputs)}
        try:
            overrides = signature_inputs.get(key, {})
            inputs = {k: _make_input(s, overrides.get(k)) for k, s in sorted(kwargs.items())}
            outs = fn(**{k: tf.constant(v, dtype=kwargs[k].dtype) for k, v in inputs.items()})
            prefix = "sig/%s/%s" % (rel, key)
            entry["inputs"] = {}
            entry["outputs"] = {}
            for k, v in inputs.items():
                _store_sig_value(ctx, entry["inputs"], k, v, prefix + "/in")
            for k, v in sorted(outs.items()):
                _store_sig_value(ctx, entry["outputs"], k, v.numpy(), prefix + "/out")
        except Exception as e:
            entry["call_error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        sigs[key] = entry
    rec["loaded_signatures"] = sigs
    return rec


# ------------------------------------------------------------------------------------------------ the cases ---

def _tiny_data(np, n=16, d_in=4, d_out=3):
    rng = np.random.RandomState(SEED)
    x = rng.uniform(-1, 1, size=(n, d_in)).astype(np.float32)
    y = rng.uniform(-1, 1, size=(n, d_out)).astype(np.float32)
    return x, y


def _sequential(ctx, d_in=4, hidden=8, d_out=3):
    k = ctx.keras
    return k.Sequential([k.Input(shape=(d_in,)), k.layers.Dense(hidden, activation="relu", name="hidden"),
                         k.layers.Dense(d_out, name="out")], name="seq")


def _functional(ctx):
    k = ctx.keras
    a = k.Input(shape=(4,), name="features")
    b = k.Input(shape=(2,), name="extra")
    h = k.layers.Concatenate(name="concat")([a, b])
    h = k.layers.Dense(8, activation="tanh", name="trunk")(h)
    logits = k.layers.Dense(3, name="logits")(h)
    probs = k.layers.Softmax(name="probs")(logits)
    score = k.layers.Dense(1, name="score")(h)
    return k.Model(inputs={"features": a, "extra": b}, outputs={"probs": probs, "score": score}, name="func")


def _fit(ctx, model, epochs=2):
    np = ctx.np
    x, y = _tiny_data(np)
    model.compile(optimizer=ctx.keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, shuffle=False)


@case("sm_keras_sequential_model_save",
      "Keras 2 Sequential (trained, compiled with Adam) written by model.save(dir, save_format='tf'): "
      "keras_metadata.pb, Keras object tree with optimizer state.",
      values=TRAINED)  # values come out of training: fit() for 2 epochs with Adam
def _(ctx):
    if ctx.keras_major != 2:
        raise Skip("Keras 3 Model.save() only writes .keras/.h5 archives; a SavedModel needs model.export() "
                   "(case sm_keras_sequential_export)")
    m = _sequential(ctx)
    _fit(ctx, m)
    d = ctx.p("saved_model")
    m.save(d, save_format="tf")
    ctx.savedmodel(d)


@case("sm_keras_sequential_export",
      "Sequential model exported with model.export(dir) (Keras ExportArchive: endpoint 'serve', "
      "serving_default alias).",
      values=TRAINED)  # values come out of training: fit() for 2 epochs with Adam
def _(ctx):
    m = _sequential(ctx)
    _fit(ctx, m)
    if not hasattr(m, "export"):
        raise Skip("this Keras has no Model.export")
    d = ctx.p("saved_model")
    m.export(d)
    ctx.savedmodel(d, extra={"known_nondeterminism": [KERAS_EXPORT_ORDER_NOTE]})


@case("sm_keras_functional_tf_save",
      "Functional model with two named inputs and a dict of two outputs, written by tf.saved_model.save(model).")
def _(ctx):
    tf = ctx.tf
    m = _functional(ctx)
    np = ctx.np
    x, y = _tiny_data(np)
    m({"features": x[:2], "extra": x[:2, :2]})
    d = ctx.p("saved_model")
    tf.saved_model.save(m, d)
    ctx.savedmodel(d)


@case("sm_keras_multi_signature",
      "Functional model saved by tf.saved_model.save with three signatures (serving_default, logits, embed), "
      "one of them with an unknown feature dimension squeezed by a lambda.")
def _(ctx):
    tf, k = ctx.tf, ctx.keras
    inp = k.Input(shape=(4,), name="x")
    emb = k.layers.Dense(5, activation="relu", name="embed")(inp)
    logits = k.layers.Dense(3, name="logits")(emb)
    model = k.Model(inp, [emb, logits], name="multi")
    spec = tf.TensorSpec([None, 4], tf.float32, name="x")

    @tf.function(input_signature=[spec])
    def serve(x):
        e, lg = model(x)
        return {"probabilities": tf.nn.softmax(lg), "label": tf.argmax(lg, axis=-1)}

    @tf.function(input_signature=[spec])
    def logits_fn(x):
        return {"logits": model(x)[1]}

    @tf.function(input_signature=[spec, tf.TensorSpec([], tf.float32, name="temperature")])
    def embed(x, temperature):
        return {"embedding": model(x)[0] / temperature}

    d = ctx.p("saved_model")
    tf.saved_model.save(model, d, signatures={"serving_default": serve, "logits": logits_fn, "embed": embed})
    ctx.savedmodel(d, signature_inputs={"embed": {"temperature": 2.0}})


@case("sm_keras_export_archive_multi",
      "Keras ExportArchive with two endpoints (serve: batch of rows; serve_single: one row) and a tracked model.",
      values=TRAINED)  # values come out of training: fit() for 2 epochs with Adam
def _(ctx):
    tf, k = ctx.tf, ctx.keras
    ea = getattr(getattr(k, "export", None), "ExportArchive", None)
    if ea is None:
        raise Skip("this Keras has no keras.export.ExportArchive")
    m = _sequential(ctx)
    _fit(ctx, m)
    archive = ea()
    archive.track(m)
    archive.add_endpoint(name="serve", fn=lambda x: m(x, training=False),
                         input_signature=[tf.TensorSpec(shape=(None, 4), dtype=tf.float32)])
    archive.add_endpoint(name="serve_single", fn=lambda x: m(tf.expand_dims(x, 0), training=False)[0],
                         input_signature=[tf.TensorSpec(shape=(4,), dtype=tf.float32)])
    d = ctx.p("saved_model")
    archive.write_out(d)
    ctx.savedmodel(d, extra={"known_nondeterminism": [KERAS_EXPORT_ORDER_NOTE]})


VOCAB = ["apple", "banana", "cherry", "durian", "elderberry"]


@case("sm_keras_stringlookup_assets",
      "Keras model with StringLookup(vocabulary=<file>) -> Embedding -> pooling -> Dense; the vocabulary file "
      "becomes a SavedModel asset. Keras 2: tf.saved_model.save; Keras 3: model.export.")
def _(ctx):
    tf, k = ctx.tf, ctx.keras
    vocab_path = "_src_vocab.txt"  # relative (cwd = case dir): TF embeds the source path in the graph
    with open(vocab_path, "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    inp = k.Input(shape=(3,), dtype="string", name="tokens")
    ids = k.layers.StringLookup(vocabulary=vocab_path, num_oov_indices=1, name="lookup")(inp)
    emb = k.layers.Embedding(len(VOCAB) + 1, 2, name="emb")(ids)
    pooled = k.layers.GlobalAveragePooling1D(name="pool")(emb)
    out = k.layers.Dense(1, name="head")(pooled)
    model = k.Model(inp, out, name="lookup_model")
    d = ctx.p("saved_model")
    extra = {}
    if ctx.keras_major == 2:
        tf.saved_model.save(model, d)
    else:
        model.export(d)
        extra["known_nondeterminism"] = [KERAS_EXPORT_ORDER_NOTE]
    os.remove(vocab_path)
    ctx.savedmodel(d, extra=extra)


@case("sm_module_hashtables",
      "tf.Module with a tf.lookup.StaticHashTable from KeyValueTensorInitializer (constants in the graph) and "
      "one from TextFileInitializer (an asset); signatures serving_default and lookup_text.")
def _(ctx):
    tf = ctx.tf
    vocab_path = "_src_labels.txt"  # relative (cwd = case dir): TF embeds the source path in the graph
    with open(vocab_path, "w") as f:
        f.write("\n".join(VOCAB) + "\n")

    class M(tf.Module):
        def __init__(self):
            super().__init__(name="hashtables")
            self.kv = tf.lookup.StaticHashTable(
                tf.lookup.KeyValueTensorInitializer(tf.constant([b"apple", b"banana", b"cherry"]),
                                                    tf.constant([10, 20, 30], tf.int64)), default_value=-1)
            self.text = tf.lookup.StaticHashTable(
                tf.lookup.TextFileInitializer(vocab_path, tf.string, tf.lookup.TextFileIndex.WHOLE_LINE,
                                              tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER), default_value=-1)
            self.offset = tf.Variable(100, dtype=tf.int64, name="offset")

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="keys")])
        def lookup(self, keys):
            return {"ids": self.kv.lookup(keys) + self.offset}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="words")])
        def lookup_text(self, words):
            return {"line": self.text.lookup(words), "size": self.text.size()}

    m = M()
    d = ctx.p("saved_model")
    tf.saved_model.save(m, d, signatures={"serving_default": m.lookup, "lookup_text": m.lookup_text})
    os.remove(vocab_path)
    ctx.savedmodel(d)


@case("sm_module_multi_function",
      "tf.Module with variables and four tf.functions (unknown dims, float/int32/int64/string inputs); three "
      "are exported as signatures with non-default keys (no serving_default), one only as a function.")
def _(ctx):
    tf, np = ctx.tf, ctx.np

    class M(tf.Module):
        def __init__(self):
            super().__init__(name="multi_fn")
            self.w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 4, name="w")
            self.table = tf.Variable(np.arange(20, dtype=np.float32).reshape(5, 4), name="table")
            self.prefix = tf.Variable(b"words:", name="prefix")

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
        def project(self, x):
            return {"y": tf.matmul(x, self.w)}

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int64, name="ids")])
        def gather(self, ids):
            return {"rows": tf.gather(self.table, ids), "count": tf.size(ids)}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="words"),
                                      tf.TensorSpec([], tf.int32, name="repeat")])
        def join(self, words, repeat):
            joined = self.prefix + tf.strings.reduce_join(words, separator="|")
            return {"joined": tf.strings.reduce_join(tf.fill([repeat], joined)),
                    "lengths": tf.strings.length(words)}

        @tf.function(input_signature=[tf.TensorSpec(None, tf.float32, name="anything")])
        def total(self, anything):
            return tf.reduce_sum(anything)

    m = M()
    d = ctx.p("saved_model")
    tf.saved_model.save(m, d, signatures={"project": m.project, "gather": m.gather, "join": m.join})
    ctx.savedmodel(d, signature_inputs={"join": {"repeat": np.int32(2)}})


@case("sm_tf1_builder",
      "TF1 SavedModel from tf.compat.v1.saved_model.Builder (graph mode): no object graph, signatures "
      "serving_default (predict) and classify, a TF1 Saver restore op, a main_op.")
def _(ctx):
    tf, np = ctx.tf, ctx.np
    d = os.path.join(ctx.dir, "saved_model")
    g = tf.Graph()
    with g.as_default():
        tf.compat.v1.set_random_seed(SEED)
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
        w = tf.compat.v1.get_variable("dense/kernel", initializer=tf.constant(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)))
        b = tf.compat.v1.get_variable("dense/bias", initializer=tf.constant([0.1, 0.2, 0.3], tf.float32))
        logits = tf.add(tf.matmul(x, w), b, name="logits")
        probs = tf.nn.softmax(logits, name="probs")
        classes = tf.argmax(logits, 1, name="classes")
        with tf.compat.v1.Session(graph=g) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            builder = tf.compat.v1.saved_model.Builder(d)
            sdu = tf.compat.v1.saved_model.signature_def_utils
            bti = tf.compat.v1.saved_model.utils.build_tensor_info
            predict = sdu.build_signature_def(inputs={"x": bti(x)}, outputs={"probs": bti(probs), "logits": bti(logits)},
                                              method_name="tensorflow/serving/predict")
            classify = sdu.build_signature_def(inputs={"x": bti(x)}, outputs={"classes": bti(classes)},
                                               method_name="tensorflow/serving/classify")
            builder.add_meta_graph_and_variables(sess, [tf.compat.v1.saved_model.tag_constants.SERVING],
                                                 signature_def_map={"serving_default": predict, "classify": classify},
                                                 main_op=tf.compat.v1.tables_initializer(), strip_default_attrs=True)
            builder.save()
    ctx.savedmodel(d)


# -- TF2 training checkpoints ----------------------------------------------------------------------------------

def _train_manager(ctx, optimizer, steps=5, max_to_keep=5):
    tf, np = ctx.tf, ctx.np
    model = _sequential(ctx)
    x, y = _tiny_data(np)
    ck = tf.train.Checkpoint(model=model, optimizer=optimizer)
    d = os.path.join(ctx.dir, "train")
    mgr = tf.train.CheckpointManager(ck, d, max_to_keep=max_to_keep)
    for step in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        mgr.save()
    ctx.checkpoint_dir(d, live_root=ck)


@case("ckpt_train_adam",
      "tf.train.Checkpoint(model=Sequential, optimizer=Adam) + CheckpointManager(max_to_keep=5): five "
      "training steps -> train/ckpt-1..ckpt-5 + train/checkpoint.",
      values=TRAINED)  # values come out of training: 5 Adam steps
def _(ctx):
    _train_manager(ctx, ctx.keras.optimizers.Adam(learning_rate=0.01))


@case("ckpt_train_sgd_momentum",
      "Same as ckpt_train_adam with SGD(learning_rate=0.05, momentum=0.9).",
      values=TRAINED)  # values come out of training: 5 SGD momentum steps
def _(ctx):
    _train_manager(ctx, ctx.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9))


@case("ckpt_train_keras_legacy_adam_slots",
      "Keras 2 legacy OptimizerV2 Adam: slot variables (.OPTIMIZER_SLOT/optimizer/m and v) in a "
      "CheckpointManager directory with max_to_keep=2 (ckpt-1..3 written, ckpt-2 and ckpt-3 kept).",
      values=TRAINED)  # values come out of training: 3 legacy Adam steps
def _(ctx):
    legacy = getattr(ctx.keras.optimizers, "legacy", None)
    if ctx.keras_major != 2 or legacy is None:
        raise Skip("Keras 3 has no legacy OptimizerV2 (slot variables); see ckpt_train_v1_optimizer_slots")
    _train_manager(ctx, legacy.Adam(learning_rate=0.01), steps=3, max_to_keep=2)


@case("ckpt_train_v1_optimizer_slots",
      "tf.Module model trained eagerly with tf.compat.v1.train.AdamOptimizer and MomentumOptimizer: slot "
      "variables linked through slot_variables in the object graph; CheckpointManager max_to_keep=2, 3 steps.",
      values=TRAINED)  # values come out of training: 3 steps of two v1 optimizers
def _(ctx):
    tf, np = ctx.tf, ctx.np

    class Net(tf.Module):
        def __init__(self):
            super().__init__(name="net")
            self.w = tf.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3), name="w")
            self.b = tf.Variable(np.zeros(3, np.float32), name="b")
            self.scale = tf.Variable(1.5, name="scale")

        def __call__(self, x):
            return tf.matmul(x, self.w) * self.scale + self.b

    net = Net()
    adam = tf.compat.v1.train.AdamOptimizer(learning_rate=0.01)
    mom = tf.compat.v1.train.MomentumOptimizer(learning_rate=0.01, momentum=0.9)
    x, y = _tiny_data(np)
    ck = tf.train.Checkpoint(model=net, optimizer=adam, momentum_opt=mom)
    d = os.path.join(ctx.dir, "train")
    mgr = tf.train.CheckpointManager(ck, d, max_to_keep=2)
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(net(x) - y))
        gw, gb, gs = tape.gradient(loss, [net.w, net.b, net.scale])
        adam.apply_gradients([(gw, net.w), (gb, net.b)])
        mom.apply_gradients([(gs, net.scale)])
        mgr.save()
    ctx.checkpoint_dir(d, live_root=ck)


@case("ckpt_keras_save_weights_tf",
      "Keras 2 model.save_weights(prefix, save_format='tf'): object checkpoint rooted at the model itself "
      "(keys without a model/ prefix), optimizer state included.",
      values=TRAINED)  # values come out of training: fit() for 1 epoch with Adam
def _(ctx):
    if ctx.keras_major != 2:
        raise Skip("Keras 3 save_weights only writes .weights.h5 (HDF5), which tensorscope does not read")
    m = _functional(ctx)
    np = ctx.np
    x, _ = _tiny_data(np)
    m.compile(optimizer=ctx.keras.optimizers.Adam(0.01), loss="mse")
    ys = {"probs": np.full((16, 3), 1 / 3, np.float32), "score": x[:, :1]}
    m.fit({"features": x, "extra": x[:, :2]}, ys, epochs=1, batch_size=8, verbose=0, shuffle=False)
    p = ctx.p("weights", "model_weights")
    m.save_weights(p, save_format="tf")
    ctx.checkpoint(p, live_root=m)
    state = ctx.tf.train.get_checkpoint_state(os.path.dirname(p))
    ctx.artifacts[-1]["checkpoint_state"] = _checkpoint_state_json(ctx, os.path.dirname(p), state)


@case("ckpt_keras_modelcheckpoint_epochs",
      "Keras 2 ModelCheckpoint(filepath='ckpts/weights.{epoch:02d}', save_weights_only=True) over 3 epochs: "
      "weights.01..03 TF-format checkpoints + a checkpoint state file.",
      values=TRAINED)  # values come out of training: fit() for 3 epochs with SGD
def _(ctx):
    if ctx.keras_major != 2:
        raise Skip("Keras 3 ModelCheckpoint(save_weights_only=True) requires a .weights.h5 file name (HDF5), "
                   "which tensorscope does not read")
    k, np = ctx.keras, ctx.np
    m = _sequential(ctx)
    m.compile(optimizer=k.optimizers.SGD(0.05), loss="mse")
    x, y = _tiny_data(np)
    d = os.path.join(ctx.dir, "ckpts")
    cb = k.callbacks.ModelCheckpoint(filepath=os.path.join(d, "weights.{epoch:02d}"), save_weights_only=True)
    m.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False, callbacks=[cb])
    ctx.checkpoint_dir(d, live_root=m)


# -- TF1 ------------------------------------------------------------------------------------------------------

@case("ckpt_tf1_saver_meta",
      "TF1 graph mode: two dense layers via get_variable, AdamOptimizer (slots dense/kernel/Adam, beta1_power), "
      "global_step; Saver(max_to_keep=2, save_relative_paths=True) at steps 1..3 -> model.ckpt-2/-3 with .meta.",
      values=TRAINED)  # values come out of training: 3 Adam steps in a TF1 session
def _(ctx):
    tf, np = ctx.tf, ctx.np
    d = os.path.join(ctx.dir, "train")
    os.makedirs(d, exist_ok=True)
    x_np, y_np = _tiny_data(np)
    g = tf.Graph()
    with g.as_default():
        tf.compat.v1.set_random_seed(SEED)
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None, 3], name="y")
        init = tf.compat.v1.glorot_uniform_initializer(seed=SEED)
        with tf.compat.v1.variable_scope("dense"):
            w1 = tf.compat.v1.get_variable("kernel", [4, 8], initializer=init)
            b1 = tf.compat.v1.get_variable("bias", [8], initializer=tf.compat.v1.zeros_initializer())
        with tf.compat.v1.variable_scope("dense_1"):
            w2 = tf.compat.v1.get_variable("kernel", [8, 3], initializer=init)
            b2 = tf.compat.v1.get_variable("bias", [3], initializer=tf.compat.v1.zeros_initializer())
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
        loss = tf.reduce_mean(tf.square(tf.matmul(h, w2) + b2 - y))
        gs = tf.compat.v1.train.get_or_create_global_step()
        train = tf.compat.v1.train.AdamOptimizer(0.01).minimize(loss, global_step=gs)
        saver = tf.compat.v1.train.Saver(max_to_keep=2, save_relative_paths=True)
        with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {x: x_np, y: y_np})
                saver.save(sess, os.path.join(d, "model.ckpt"), global_step=gs)
    ctx.checkpoint_dir(d)


def _session_config(tf, cpus=1):
    return tf.compat.v1.ConfigProto(device_count={"CPU": cpus}, inter_op_parallelism_threads=1,
                                    intra_op_parallelism_threads=1)


@case("ckpt_tf1_partitioned",
      "TF1 graph mode: emb/table [10,4] split by fixed_size_partitioner(3) (rows 4/3/3) and "
      "emb/wide [2,7] by fixed_size_partitioner(2, axis=1); the index holds the full-tensor records plus one "
      "slice entry each (index_entries).")
def _(ctx):
    tf, np = ctx.tf, ctx.np
    d = os.path.join(ctx.dir, "ckpt")
    os.makedirs(d, exist_ok=True)
    full = {"table": np.arange(40, dtype=np.float32).reshape(10, 4) / 8,
            "wide": (np.arange(14, dtype=np.int64).reshape(2, 7) - 5)}
    parts = []
    g = tf.Graph()
    with g.as_default():
        def init_for(name):
            def init(shape, dtype=None, partition_info=None):
                o = partition_info.var_offset if partition_info is not None else [0] * len(shape)
                src = full[name][o[0]:o[0] + shape[0], o[1]:o[1] + shape[1]]
                return tf.constant(src, dtype=dtype)
            return init
        with tf.compat.v1.variable_scope("emb"):
            t = tf.compat.v1.get_variable("table", shape=[10, 4], dtype=tf.float32, initializer=init_for("table"),
                                          partitioner=tf.compat.v1.fixed_size_partitioner(3))
            w = tf.compat.v1.get_variable("wide", shape=[2, 7], dtype=tf.int64, initializer=init_for("wide"),
                                          partitioner=tf.compat.v1.fixed_size_partitioner(2, axis=1))
        plain = tf.compat.v1.get_variable("plain", initializer=tf.constant([1.0, 2.0, 3.0]))
        for pv in (t, w):
            for part in pv:
                si = part._save_slice_info
                parts.append({"variable": part.name, "full_name": si.full_name, "full_shape": list(si.full_shape),
                              "var_offset": list(si.var_offset), "var_shape": list(si.var_shape), "spec": si.spec})
        saver = tf.compat.v1.train.Saver(save_relative_paths=True)
        with tf.compat.v1.Session(graph=g, config=_session_config(tf)) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            p = saver.save(sess, os.path.join(d, "model.ckpt"))
    # Read a slice back through TF's RestoreV2 (shape_and_slices), as a reference for slice reading.
    eager_checks = []
    for part in parts:
        got = tf.raw_ops.RestoreV2(prefix=p, tensor_names=[part["full_name"]], shape_and_slices=[part["spec"]],
                                   dtypes=[tf.float32 if "table" in part["full_name"] else tf.int64])[0].numpy()
        name = "restore_slice|%s|%s" % (part["full_name"], part["spec"])
        ctx.arrays[name] = got
        eager_checks.append({"spec": part["spec"], "npz": name})
    ctx.checkpoint(p, extra={"tf1_partitions": parts, "restore_v2_slices": eager_checks})


@case("ckpt_tf1_sharded_devices",
      "TF1 Saver(sharded=True) with variables on /cpu:0 and /cpu:1 (session with 2 CPU devices): TF writes "
      "two temp bundles and merges them (MergeV2Checkpoints) into one index + data-00000/00001-of-00002.")
def _(ctx):
    tf, np = ctx.tf, ctx.np
    d = os.path.join(ctx.dir, "ckpt")
    os.makedirs(d, exist_ok=True)
    g = tf.Graph()
    placement = []
    with g.as_default():
        for i, dev in enumerate(["/cpu:0", "/cpu:1", "/cpu:0", "/cpu:1", "/cpu:1"]):
            with tf.device(dev):
                dt = [tf.float32, tf.int32, tf.float64, tf.string, tf.bool][i]
                if dt == tf.string:
                    val = tf.constant([b"shard", b"one"])
                elif dt == tf.bool:
                    val = tf.constant([True, False, True])
                else:
                    val = tf.constant((np.arange(6) + 10 * i).reshape(2, 3), dtype=dt)
                v = tf.compat.v1.get_variable("group%d/v%d" % (i % 2, i), initializer=val)
                placement.append({"variable": v.op.name, "device": dev})
        saver = tf.compat.v1.train.Saver(sharded=True, save_relative_paths=True)
        with tf.compat.v1.Session(graph=g, config=_session_config(tf, cpus=2)) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            p = saver.save(sess, os.path.join(d, "model.ckpt"))
    rec = ctx.checkpoint(p, extra={"placement": placement})
    if rec["num_shards"] < 2:
        raise RuntimeError("expected a multi-shard bundle, got %d shard(s)" % rec["num_shards"])


@case("ckpt_tf2_sharding_callback",
      "TF2 tf.train.Checkpoint written with CheckpointOptions(experimental_sharding_callback="
      "MaxShardSizePolicy(max_shard_size=160)): several data shards, and tensors larger than a shard are split "
      "into slices (TF2 object checkpoint with slice entries).")
def _(ctx):
    tf, np = ctx.tf, ctx.np
    exp = getattr(tf.train, "experimental", None)
    policy = getattr(exp, "MaxShardSizePolicy", None)
    import inspect
    try:
        opts_ok = "experimental_sharding_callback" in inspect.signature(tf.train.CheckpointOptions.__init__).parameters
    except (TypeError, ValueError):
        opts_ok = False
    if policy is None or not opts_ok:
        raise Skip("tf.train.CheckpointOptions has no experimental_sharding_callback / MaxShardSizePolicy "
                   "(added in TF 2.16); multi-shard bundles are covered by ckpt_tf1_sharded_devices")
    m = tf.Module()
    m.big = tf.Variable(np.arange(100, dtype=np.float32) / 7)
    m.grid = tf.Variable(np.arange(30, dtype=np.float32).reshape(10, 3) * 2)
    m.ints = tf.Variable(np.arange(64, dtype=np.int64).reshape(8, 8) - 32)
    m.small = tf.Variable([1.0, 2.0])
    m.words = tf.Variable([b"sharded", b"", b"strings"])
    ck = tf.train.Checkpoint(model=m)
    opts = tf.train.CheckpointOptions(experimental_sharding_callback=policy(max_shard_size=160))
    p = ck.write(ctx.p("ckpt", "sharded"), options=opts)
    rec = ctx.checkpoint(p, live_root=ck)
    if rec["num_shards"] < 2:
        raise RuntimeError("expected a multi-shard bundle")


# -- object graph shapes and dtypes ---------------------------------------------------------------------------

@case("ckpt_object_graph_edge_cases",
      "tf.train.Checkpoint with local names needing escapes ('a.b', 'p/q', '..', unicode), nested dict/list "
      "wrappers, a variable reachable by two paths (key = first BFS path), empty containers, a "
      "MutableHashTable (one SerializedTensor owning two keys: table-keys/table-values) and a tf.data iterator "
      "(DT_VARIANT ITERATOR_STATE).")
def _(ctx):
    tf, np = ctx.tf, ctx.np
    shared = tf.Variable([1.0, 2.0, 3.0], name="shared")
    inner = tf.Module(name="inner")
    inner.deep = tf.Module(name="deep")
    inner.deep.shared_again = shared
    inner.deep.leaf = tf.Variable(np.int32(7), name="leaf")
    outer = tf.Module(name="outer")
    setattr(outer, "a.b", tf.Variable([0.5], name="dotted"))
    setattr(outer, "p/q", tf.Variable([[1, 2], [3, 4]], dtype=tf.int16, name="slashed"))
    setattr(outer, "..", tf.Variable(b"dots", name="dots"))
    setattr(outer, "größe", tf.Variable(np.float64(2.5), name="unicode"))
    outer.items = [tf.Variable(float(i), name="item%d" % i) for i in range(3)]
    outer.mapping = {"x.y": tf.Variable([9], dtype=tf.int64), "z/w": {"nested": tf.Variable([True, False])}}
    outer.empty_list = []
    outer.empty_dict = {}
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    table.insert(tf.constant([b"one", b"two", b"three"]), tf.constant([1, 2, 3], tf.int64))
    ds = tf.data.Dataset.range(10).batch(3)
    # No autotuning and no default optimizations: otherwise the iterator's saved state gets an extra component
    # or not depending on whether TF's background autotune thread has run yet (seen with TF 2.21 under load),
    # and the fixture would depend on the machine's load and core count.
    options = tf.data.Options()
    options.autotune.enabled = False
    options.experimental_optimization.apply_default_optimizations = False
    options.threading.private_threadpool_size = 1
    ds = ds.with_options(options)
    it = iter(ds)
    next(it)
    ck = tf.train.Checkpoint(inner=inner, outer=outer, shared=shared, table=table, iterator=it)
    p = ck.write(ctx.p("ckpt", "edge"))
    ctx.checkpoint(p, live_root=ck)


def _special_values(np):
    f32 = np.array([0x7FC00001, 0xFFC00000, 0x7F800001, 0x80000000, 0x7F800000, 0xFF800000, 0x00000001,
                    0x007FFFFF, 0x7F7FFFFF, 0x3F800000], dtype=np.uint32).view(np.float32)
    f16 = np.array([0x7E01, 0xFE00, 0x7C01, 0x8000, 0x7C00, 0xFC00, 0x0001, 0x03FF, 0x7BFF, 0x3C00],
                   dtype=np.uint16).view(np.float16)
    f64 = np.array([0x7FF8000000000001, 0xFFF8000000000000, 0x7FF0000000000001, 0x8000000000000000,
                    0x7FF0000000000000, 0xFFF0000000000000, 0x0000000000000001, 0x000FFFFFFFFFFFFF,
                    0x7FEFFFFFFFFFFFFF, 0x3FF0000000000000], dtype=np.uint64).view(np.float64)
    bf16_bits = np.array([0x7FC1, 0xFFC0, 0x7F81, 0x8000, 0x7F80, 0xFF80, 0x0001, 0x007F, 0x7F7F, 0x3F80],
                         dtype=np.uint16)
    return f32, f16, f64, bf16_bits


STRINGS = [b"", b"plain", "ünïcödé ✓".encode("utf-8"), b"\xff\xfe\x00\x01binary\x80", b"L" * 300]


def _tf_dtype(name):
    """A DType by name, including ones not exported under tf.dtypes (float8_*, int4, ...), or None."""
    from tensorflow.python.framework import dtypes as tf_dtypes
    dt = getattr(tf_dtypes, name, None)
    return dt if isinstance(dt, tf_dtypes.DType) else None


def _dtype_tensors(ctx, everything):
    """name -> tf.Tensor covering every dtype (everything=True: also dtypes tf.Variable cannot hold)."""
    tf, np = ctx.tf, ctx.np
    f32, f16, f64, bf16_bits = _special_values(np)
    bf16 = tf.bitcast(tf.constant(bf16_bits), tf.bfloat16)
    T = collections.OrderedDict()
    T["float32/special"] = tf.constant(f32)
    T["float16/special"] = tf.constant(f16)
    T["float64/special"] = tf.constant(f64)
    T["bfloat16/special"] = bf16
    T["float32/matrix"] = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 3 - 1)
    T["float32/rank4"] = tf.constant(np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4))
    T["float32/scalar"] = tf.constant(np.float32(-1.25))
    T["float32/empty0"] = tf.constant(np.zeros([0], np.float32))
    T["float32/empty3x0"] = tf.constant(np.zeros([3, 0], np.float32))
    ints = {"int8": (-128, 127), "int16": (-32768, 32767), "int32": (-2**31, 2**31 - 1),
            "int64": (-2**63, 2**63 - 1), "uint8": (0, 255), "uint16": (0, 65535), "uint32": (0, 2**32 - 1),
            "uint64": (0, 2**64 - 1)}
    for name, (lo, hi) in ints.items():
        npdt = np.dtype(name)
        T[name + "/values"] = tf.constant(np.array([lo, lo + 1, 0, 1, hi - 1, hi], dtype=npdt).reshape(2, 3))
        T[name + "/scalar"] = tf.constant(np.array(hi, dtype=npdt))
    T["bool/values"] = tf.constant([[True, False, True], [False, False, True]])
    T["bool/scalar"] = tf.constant(True)
    T["complex64/values"] = tf.constant(np.array([1 + 2j, -0.0 - 1j, np.inf + 1j, complex(np.nan, -np.inf)],
                                                 np.complex64))
    T["complex128/values"] = tf.constant(np.array([[1e-310 + 1j, -3 + 0.5j]], np.complex128))
    T["string/vector"] = tf.constant(STRINGS)
    T["string/scalar"] = tf.constant(b"scalar string")
    T["string/empty_scalar"] = tf.constant(b"")
    T["string/matrix"] = tf.constant([[b"a", b""], [b"\x00", b"long-" + b"x" * 250]])
    T["string/empty0"] = tf.constant(np.zeros([0], dtype=object), dtype=tf.string)
    # Newer dtypes, only if this TF has them.
    for name, raw in [("float8_e4m3fn", [0x00, 0x38, 0xB8, 0x7E, 0x7F, 0x01, 0xFE]),
                      ("float8_e5m2", [0x00, 0x3C, 0xBC, 0x7C, 0x7F, 0x01, 0xFC]),
                      ("float8_e4m3fnuz", [0x00, 0x40, 0xC0, 0x80, 0x7F, 0x01, 0xFF]),
                      ("float8_e4m3b11fnuz", [0x00, 0x58, 0xD8, 0x80, 0x7F, 0x01, 0xFF]),
                      ("float8_e5m2fnuz", [0x00, 0x40, 0xC0, 0x80, 0x7F, 0x01, 0xFF])]:
        dt = _tf_dtype(name)
        if dt is not None:
            T[name + "/bits"] = tf.constant(np.array(raw, np.uint8).view(dt.as_numpy_dtype))
    for name, vals in [("int4", [-8, -1, 0, 1, 7]), ("uint4", [0, 1, 8, 15, 3]),
                       ("int2", [-2, -1, 0, 1, 1]), ("uint2", [0, 1, 2, 3, 0])]:
        dt = _tf_dtype(name)
        if dt is not None:
            T[name + "/values"] = tf.constant(np.array(vals, dtype=dt.as_numpy_dtype))
    if _tf_dtype("float4_e2m1fn") is not None:
        dt = _tf_dtype("float4_e2m1fn")
        T["float4_e2m1fn/values"] = tf.constant(np.array([0.0, 0.5, -1.0, 6.0, -6.0], dtype=dt.as_numpy_dtype))
    if everything:
        for name, npdt in [("qint8", np.int8), ("quint8", np.uint8), ("qint16", np.int16), ("quint16", np.uint16),
                           ("qint32", np.int32)]:
            T[name + "/values"] = tf.constant(np.array([-3, -1, 0, 1, 5]).astype(npdt), dtype=getattr(tf, name))
    return T


DTYPE_WISHLIST = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e4m3b11fnuz", "float8_e5m2fnuz",
                  "int4", "uint4", "int2", "uint2", "float4_e2m1fn"]


@case("ckpt_dtypes_object",
      "tf.train.Checkpoint of tf.Variables of every dtype a variable can hold: float16/32/64 and bfloat16 with "
      "NaN payloads, -0.0, +-inf, subnormals; all int/uint widths at their limits; bool; complex; strings "
      "(empty, non-UTF-8, 300 bytes, scalar, 2-D, zero-size); scalars; shapes [0] and [3,0]; float8/int4/... "
      "where this TF has them.")
def _(ctx):
    tf = ctx.tf
    root = tf.Module(name="dtypes")
    failed = {}
    for name, t in _dtype_tensors(ctx, everything=False).items():
        group, leaf = name.split("/")
        try:
            v = tf.Variable(t, name=name.replace("/", "_"))
        except Exception as e:
            msg = re.sub(r" with these attrs: \[[^\]]*\]", "", str(e).splitlines()[0])  # attr order varies
            failed[name] = "%s: %s" % (type(e).__name__, msg[:200])
            continue
        if not hasattr(root, group):
            setattr(root, group, tf.Module(name=group))
        setattr(getattr(root, group), leaf, v)
    missing = [d for d in DTYPE_WISHLIST if _tf_dtype(d) is None]
    ck = tf.train.Checkpoint(dtypes=root)
    p = ck.write(ctx.p("ckpt", "dtypes"))
    ctx.checkpoint(p, live_root=ck, extra={"variable_creation_failed": failed,
                                            "dtypes_not_in_this_tf": missing})
    for name, why in failed.items():
        ctx.notes.append("tf.Variable cannot hold %s: %s" % (name, why))


@case("ckpt_dtypes_savev2",
      "Name-based bundle written directly with tf.raw_ops.SaveV2 (what TF1 Saver runs): every dtype the kernel "
      "accepts, including quantized types and every float8/int4/int2/float4 this TF knows; keys include "
      "non-ASCII UTF-8.")
def _(ctx):
    tf = ctx.tf
    T = _dtype_tensors(ctx, everything=True)
    T["unicode/ключ-キー"] = tf.constant([1.0, 2.0])
    T["zz/last"] = tf.constant(0, tf.int8)
    names = list(T)
    d = os.path.dirname(ctx.p("ckpt", "x"))
    p = os.path.join(d, "all_dtypes")
    tf.raw_ops.SaveV2(prefix=p, tensor_names=names, shape_and_slices=[""] * len(names), tensors=list(T.values()))
    missing = [dname for dname in DTYPE_WISHLIST if _tf_dtype(dname) is None]
    ctx.checkpoint(p, extra={"dtypes_not_in_this_tf": missing,
                             "insertion_order": names})


@case("ckpt_long_keys_multiblock",
      "300 float32 scalars saved with SaveV2 under 1000-byte keys that differ early (little prefix sharing): "
      "the .index has more than one 256 KiB data block, so the index block has several separator keys.")
def _(ctx):
    tf, np = ctx.tf, ctx.np
    names = []
    n = 300
    for i in range(n):
        stem = "block_%04d/" % ((i * 7919) % n)  # insertion order != key order
        names.append((stem + ("segment_%03d_" % (i % 17)) * 90)[:999] + "x")
    assert len(set(names)) == n and all(len(k) == 1000 for k in names)
    vals = [tf.constant(np.float32(i / 8)) for i in range(n)]
    d = os.path.dirname(ctx.p("ckpt", "x"))
    p = os.path.join(d, "long_keys")
    tf.raw_ops.SaveV2(prefix=p, tensor_names=names, shape_and_slices=[""] * n, tensors=vals)
    rec = ctx.checkpoint(p)
    rec["index_file_size"] = os.path.getsize(p + ".index")
    if rec["index_file_size"] <= 262144:
        raise RuntimeError("index too small to span two blocks")


# ================================================================================== more case modules ===
# Cases grouped by topic live in `cases_<topic>.py` beside this file. They are executed into this module's
# namespace (not imported) so that they use the same `case`, `Ctx` helpers and registry as the cases above,
# in the worker process as well as in the driver.
for _path in sorted(glob.glob(os.path.join(HERE, "cases_*.py"))):
    with open(_path) as _f:
        exec(compile(_f.read(), _path, "exec"), globals())


# ======================================================================================= process plumbing ===

def _setup_tf_determinism():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
    import tensorflow as tf
    try:
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)
    except RuntimeError:
        pass
    try:
        tf.keras.utils.set_random_seed(SEED)
    except Exception:
        import random
        import numpy as np
        random.seed(SEED)
        np.random.seed(SEED)
        tf.random.set_seed(SEED)
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:
        pass
    try:
        import absl.logging
        absl.logging.set_verbosity(absl.logging.ERROR)
    except Exception:
        pass
    tf.get_logger().setLevel("ERROR")
    return tf


def worker_main(case_name, case_dir, result_path):
    tf = _setup_tf_determinism()
    fn, doc = CASES[case_name]
    os.makedirs(case_dir, exist_ok=True)
    ctx = Ctx(case_name, case_dir)
    os.chdir(case_dir)  # so that source paths TF embeds in graphs (asset initializers) are relative
    result = {"case": case_name}
    try:
        fn(ctx)
    except Skip as s:
        shutil.rmtree(case_dir, ignore_errors=True)
        result["skipped"] = str(s)
        dump_json(result_path, result)
        return 0
    oracle = {
        "schema": ORACLE_SCHEMA,
        "generator_case": case_name,
        "description": doc,
        "tensorflow_version": tf.__version__,
        "tensorflow_git_version": getattr(tf, "__git_version__", None) or tf.version.GIT_VERSION,
        "keras_version": ctx.keras.__version__ if ctx.keras else None,
        "numpy_version": ctx.np.__version__,
        "artifacts": ctx.artifacts,
        "notes": ctx.notes,
    }
    dump_json(os.path.join(case_dir, "oracle.json"), oracle)
    write_npz_deterministic(os.path.join(case_dir, "values.npz"), ctx.arrays)
    # Guard: no absolute path of the output directory may leak into artifacts (they must be relocatable).
    leaks = []
    needle = os.path.abspath(case_dir).encode()
    for r, _, fs in os.walk(case_dir):
        for f in fs:
            with open(os.path.join(r, f), "rb") as fh:
                if needle in fh.read():
                    leaks.append(os.path.relpath(os.path.join(r, f), case_dir))
    result["absolute_path_in"] = leaks
    result["ok"] = True
    dump_json(result_path, result)
    return 0


_SETARCH = None


def _setarch_works():
    global _SETARCH
    if _SETARCH is None:
        try:
            _SETARCH = shutil.which("setarch") is not None and subprocess.call(
                ["setarch", os.uname().machine, "-R", "true"], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL) == 0
        except OSError:
            _SETARCH = False
    return _SETARCH


def run_case_subprocess(case_name, case_dir, env=None):
    result_path = case_dir.rstrip("/") + ".result.json"
    if os.path.exists(result_path):
        os.remove(result_path)
    cmd = [sys.executable, os.path.abspath(__file__), "--_worker", case_name, "--_case-dir", case_dir,
           "--_result", result_path]
    if _setarch_works():
        cmd = ["setarch", os.uname().machine, "-R"] + cmd  # no ASLR: see KERAS_EXPORT_ORDER_NOTE
    env = dict(os.environ if env is None else env)
    env["PYTHONHASHSEED"] = "0"  # must be set before the interpreter starts
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("KERAS_BACKEND", "tensorflow")
    t0 = time.time()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.time() - t0
    result = None
    if os.path.exists(result_path):
        with open(result_path) as f:
            result = json.load(f)
        os.remove(result_path)
    if proc.returncode != 0 or result is None:
        return {"case": case_name, "error": "exit code %d" % proc.returncode, "log": proc.stdout[-6000:],
                "seconds": elapsed}
    result["seconds"] = elapsed
    result["log"] = proc.stdout
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="output directory, e.g. tests/fixtures/tf215")
    ap.add_argument("--tag", help="tf215 or tfcur (default: derived from the installed TensorFlow version)")
    ap.add_argument("--case", action="append", help="generate only this case (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--verbose", action="store_true", help="print each worker's log")
    ap.add_argument("--jobs", type=int, default=1, help="cases to run in parallel (default 1; each case is an "
                                                        "independent TensorFlow process)")
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    ap.add_argument("--_case-dir", help=argparse.SUPPRESS)
    ap.add_argument("--_result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._worker:
        return worker_main(args._worker, args._case_dir, args._result)
    if args.list:
        for name, (_, doc) in CASES.items():
            print("%-36s %s" % (name, doc))
        return 0
    version = installed_tf_version()
    tag = args.tag or (tag_for_version(version) if version else None)
    out = args.out or os.path.join(HERE, "..", "fixtures", tag)
    out = os.path.abspath(out)
    selected = args.case or list(CASES)
    unknown = [c for c in selected if c not in CASES]
    if unknown:
        ap.error("unknown case(s): %s" % ", ".join(unknown))
    full_run = not args.case
    if full_run and os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)
    skipped_path = os.path.join(out, "skipped.json")
    skipped = {}
    if not full_run and os.path.exists(skipped_path):
        with open(skipped_path) as f:
            skipped = json.load(f).get("skipped", {})
    print("TensorFlow %s -> %s (tag %s), %d case(s)" % (version, out, tag, len(selected)))
    t_all = time.time()
    failures = []
    timings = {}
    for name in selected:
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)
        skipped.pop(name, None)
    if args.jobs > 1:
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(lambda n: run_case_subprocess(n, os.path.join(out, n)), selected))
    else:
        results = (run_case_subprocess(n, os.path.join(out, n)) for n in selected)
    for name, res in zip(selected, results):
        case_dir = os.path.join(out, name)
        timings[name] = res["seconds"]
        if args.verbose and res.get("log"):
            print(res["log"])
        if "error" in res:
            failures.append(name)
            shutil.rmtree(case_dir, ignore_errors=True)
            print("  FAIL  %-36s %6.1fs\n%s" % (name, res["seconds"], res["log"]))
        elif "skipped" in res:
            skipped[name] = res["skipped"]
            print("  skip  %-36s %6.1fs  %s" % (name, res["seconds"], res["skipped"]))
        else:
            size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(case_dir) for f in fs)
            warn = ""
            if res.get("absolute_path_in"):
                warn = "  WARNING absolute output path inside: %s" % res["absolute_path_in"]
            checks = [l for l in res.get("log", "").splitlines() if "[path-check]" in l]
            if checks:
                warn += "\n    " + "\n    ".join(checks)
            print("  ok    %-36s %6.1fs %8d bytes%s" % (name, res["seconds"], size, warn), flush=True)
    dump_json(skipped_path, {"tensorflow_version": version, "tag": tag,
                             "skipped": dict(sorted(skipped.items()))})
    total = time.time() - t_all
    print("\nSKIPPED = %s" % json.dumps(dict(sorted(skipped.items())), indent=1))
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
    print("total %.1fs, %d bytes in %s" % (total, size, out))
    if failures:
        print("FAILED: %s" % ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`diff`, `check` and `run` against numpy and TensorFlow (issue 11).

Every metric of `diff --json` is recomputed with numpy from the values TensorFlow reads
(tf.train.load_checkpoint): on the cmp_variants fixtures (tests/oracle/cases_compare.py), the generator's
training runs, the corpus's multi-step runs and the bundled demo (its training run against its SavedModel).
Statuses are checked on variants whose differences are known; `check` is checked against TensorFlow's own
`tf.train.Checkpoint(model=...).read(CKPT).assert_existing_objects_matched()`. `run` series are recomputed
with numpy step by step.
"""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

import conftest as H

DEMO = H.REPO_ROOT / "resources" / "demo"
VARIANTS = H.TAG_DIR / "cmp_variants"
METRICS = ("max_abs_diff", "mean_abs_diff", "rms_diff", "rel_change", "cosine", "frac_changed")


def cli(*args):
    res = H.run_cli_uncached(*args)
    return res


def diff_json(a, b, *rest):
    res = cli("diff", str(a), str(b), "--json", *rest)
    assert res.doc is not None and res.doc.get("schema") == "tensorscope.diff/1", res.describe()
    return res


def bundle_prefix(path: Path) -> str:
    """The bundle TensorFlow should read for an artifact path (a SavedModel reads its variables/)."""
    if (path / "saved_model.pb").is_file():
        return str(path / "variables" / "variables")
    return str(path)


def reference(a: np.ndarray, b: np.ndarray) -> dict:
    """numpy's version of every metric (definitions in docs/schema/diff.json)."""
    a, b = np.asarray(a), np.asarray(b)
    n = a.size
    ra = np.frombuffer(H.little_endian_bytes(a), np.uint8).reshape(n, -1) if n else np.zeros((0, 1), np.uint8)
    rb = np.frombuffer(H.little_endian_bytes(b), np.uint8).reshape(n, -1) if n else np.zeros((0, 1), np.uint8)
    out = {"count": n, "changed": int(np.any(ra != rb, axis=1).sum()) if n else 0}
    out["frac_changed"] = out["changed"] / n if n else 0.0
    if a.dtype.kind in "iub":
        x, y = a.reshape(-1).astype(np.float64), b.reshape(-1).astype(np.float64)
        # exact integer difference (Python ints), rounded once to float64
        d = np.array([float(int(q) - int(p)) for p, q in zip(a.reshape(-1).tolist(), b.reshape(-1).tolist())],
                     np.float64)
        finite = np.ones(n, bool)
    elif a.dtype.kind == "f" or a.dtype.name == "bfloat16":
        wide = np.float32 if a.dtype.itemsize < 4 else a.dtype
        x, y = a.reshape(-1).astype(wide).astype(np.float64), b.reshape(-1).astype(wide).astype(np.float64)
        finite = np.isfinite(x) & np.isfinite(y)
        with np.errstate(invalid="ignore"):
            d = y - x
    else:
        return dict(out, **{m: None for m in METRICS if m != "frac_changed"})
    out["nan_a"], out["inf_a"] = int(np.isnan(x).sum()), int(np.isinf(x).sum())
    out["nan_b"], out["inf_b"] = int(np.isnan(y).sum()), int(np.isinf(y).sum())
    x, y, d = x[finite], y[finite], d[finite]
    out["compared"] = int(finite.sum())
    if out["compared"] == 0:
        return dict(out, max_abs_diff=None, mean_abs_diff=None, rms_diff=None, rel_change=None, cosine=None)
    na, nb = math.sqrt(float(np.sum(x * x))), math.sqrt(float(np.sum(y * y)))
    out["max_abs_diff"] = float(np.max(np.abs(d)))
    out["mean_abs_diff"] = float(np.mean(np.abs(d)))
    out["rms_diff"] = math.sqrt(float(np.mean(d * d)))
    out["rel_change"] = math.sqrt(float(np.sum(d * d))) / na if na > 0 else None
    out["cosine"] = float(np.sum(x * y)) / (na * nb) if na > 0 and nb > 0 else None
    return out


def metric_problems(row: dict, ref: dict, where: str) -> list:
    problems = []
    for name, want in ref.items():
        got = row.get(name)
        if want is None or got is None:
            if (want is None) != (got is None):
                problems.append("%s %s: ours %r, numpy %r" % (where, name, got, want))
        elif name in ("max_abs_diff", "count", "changed", "compared", "nan_a", "inf_a", "nan_b", "inf_b"):
            if got != want:  # a maximum and counts are exact
                problems.append("%s %s: ours %r, numpy %r" % (where, name, got, want))
        elif not math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-300):  # sums differ only in their order
            problems.append("%s %s: ours %r, numpy %r" % (where, name, got, want))
    return problems


def check_metrics_against_numpy(tf, a: Path, b: Path, *rest) -> int:
    """Runs diff A B --confirm-identical and checks every read pair; returns how many pairs were checked."""
    res = diff_json(a, b, "--confirm-identical", *rest)
    assert res.returncode in (0, 1), res.describe()
    ra, rb = tf.train.load_checkpoint(bundle_prefix(a)), tf.train.load_checkpoint(bundle_prefix(b))
    problems, checked = [], 0
    for row in res.doc["variables"]:
        if row["status"] in ("only_in_a", "only_in_b", "dtype_changed", "shape_changed"):
            continue
        assert row["evidence"] == "bytes" and row["error"] is None, row
        va, vb = ra.get_tensor(row["key_a"]), rb.get_tensor(row["key_b"])
        if isinstance(va, bytes) or np.asarray(va).dtype == object:
            continue  # strings: no numeric metrics; frac_changed is checked on numeric tensors
        problems += metric_problems(row, reference(va, vb), row["key_a"])
        checked += 1
    H.assert_no_problems(problems, "%s vs %s" % (a, b))
    return checked


def run_pairs() -> list:
    """(label, A, B) of real multi-step runs: first vs last step."""
    pairs = []
    for case in ("ckpt_train_adam", "ckpt_train_sgd_momentum", "ckpt_train_v1_optimizer_slots",
                 "ckpt_train_keras_legacy_adam_slots", "ckpt_keras_modelcheckpoint_epochs"):
        d = H.TAG_DIR / case
        if not (d / "oracle.json").is_file():
            continue
        runs = [a for a in json.loads((d / "oracle.json").read_text())["artifacts"] if a["kind"] == "checkpoint_dir"]
        for r in runs:
            steps = r["checkpoints"]
            if len(steps) >= 2:
                pairs.append(("fixtures/%s/%s" % (case, r["path"]), d / steps[0], d / steps[-1]))
    corpus = H.CORPUS_DIR
    for slug, a, b in (("ckpt-tf2-a2c-3ckpts", "ckpt-2", "ckpt-4"),):
        if (corpus / slug / (a + ".index")).is_file():
            pairs.append(("corpus/" + slug, corpus / slug / a, corpus / slug / b))
    wide = corpus / "tf1-estimator-widedeep-5ckpts"
    if wide.is_dir():
        prefixes = sorted((p.with_suffix("") for p in wide.rglob("*.index")),
                          key=lambda p: int(p.name.rsplit("-", 1)[-1]) if p.name.rsplit("-", 1)[-1].isdigit() else -1)
        if len(prefixes) >= 2:
            pairs.append(("corpus/tf1-estimator-widedeep-5ckpts", prefixes[0], prefixes[-1]))
    pairs.append(("demo/ckpt-1..4", DEMO / "training_run" / "ckpt-1", DEMO / "training_run" / "ckpt-4"))
    pairs.append(("demo/ckpt-1 vs saved_model", DEMO / "training_run" / "ckpt-1", DEMO / "saved_model"))
    if (VARIANTS / "base").is_dir():
        for v in ("copy", "perturbed", "zero_sign", "int_flip", "with_optimizer"):
            pairs.append(("cmp_variants/base vs " + v, VARIANTS / "base" / "ckpt", VARIANTS / v / "ckpt"))
        pairs.append(("cmp_variants/run", VARIANTS / "run" / "ckpt-1", VARIANTS / "run" / "ckpt-3"))
    return pairs


@pytest.mark.parametrize("label,a,b", [pytest.param(*p, id=p[0]) for p in run_pairs()])
def test_every_metric_matches_numpy(tf, label, a, b):
    assert check_metrics_against_numpy(tf, a, b) > 0, label


def needs_variants():
    if not (VARIANTS / "oracle.json").is_file():
        pytest.skip("no cmp_variants fixture for tag %s" % H.TF_TAG)


def rows_by_key(doc):
    return {r["key"]: r for r in doc["variables"]}


def test_identical_checkpoints_report_no_change(tmp_path):
    needs_variants()
    res = diff_json(VARIANTS / "base" / "ckpt", VARIANTS / "copy" / "ckpt")
    assert res.returncode == 0, res.describe()
    assert {r["status"] for r in res.doc["variables"]} == {"identical"}
    assert res.doc["summary"]["elements_changed"] == 0
    # A byte copy of the demo's newest checkpoint under another name: identical by checksum, then by bytes.
    for f in (DEMO / "training_run").glob("ckpt-4.*"):
        shutil.copy(f, tmp_path / f.name.replace("ckpt-4", "copy"))
    for extra in ((), ("--confirm-identical",)):
        res = diff_json(DEMO / "training_run" / "ckpt-4", tmp_path / "copy", *extra)
        assert res.returncode == 0, res.describe()
        assert {r["status"] for r in res.doc["variables"]} == {"identical"}
        want = "bytes" if extra else "checksum"
        assert {r["evidence"] for r in res.doc["variables"]} == {want}
        assert all(r["max_abs_diff"] == 0 and r["frac_changed"] == 0 for r in res.doc["variables"])
    assert cli("diff", str(DEMO / "training_run" / "ckpt-4"), str(tmp_path / "copy")).returncode == 0


def test_one_perturbed_variable_is_the_only_change():
    needs_variants()
    res = diff_json(VARIANTS / "base" / "ckpt", VARIANTS / "perturbed" / "ckpt", "--changed-only")
    assert res.returncode == 1, res.describe()
    assert [r["key"] for r in res.doc["variables"]] == ["model/dense2/kernel/.ATTRIBUTES/VARIABLE_VALUE"]
    row = res.doc["variables"][0]
    assert row["status"] == "changed" and row["changed"] == 1 and row["count"] == 6
    assert res.doc["summary"]["changed"] == 1 and res.doc["summary"]["identical"] == res.doc["summary"]["variables"] - 1


def test_signed_zero_counts_and_equal_nans_do_not():
    needs_variants()
    res = diff_json(VARIANTS / "base" / "ckpt", VARIANTS / "zero_sign" / "ckpt", "--changed-only")
    row = rows_by_key(res.doc)["model/odd/.ATTRIBUTES/VARIABLE_VALUE"]
    # [0, -0, nan, inf, 1.5] -> [0, +0, nan, inf, 1.5]: only the sign bit of element 1 differs
    assert (row["changed"], row["count"], row["frac_changed"]) == (1, 5, 0.2)
    assert (row["nan_a"], row["inf_a"], row["nan_b"], row["inf_b"], row["compared"]) == (1, 1, 1, 1, 3)
    assert row["max_abs_diff"] == 0 and row["rms_diff"] == 0 and row["cosine"] == 1


def test_int64_difference_is_exact():
    needs_variants()
    res = diff_json(VARIANTS / "base" / "ckpt", VARIANTS / "int_flip" / "ckpt", "--changed-only")
    row = rows_by_key(res.doc)["model/counts/.ATTRIBUTES/VARIABLE_VALUE"]
    assert row["max_abs_diff"] == float(2 ** 63)  # 2^62 - (-2^62): overflows int64, exact in 64-bit unsigned
    assert row["changed"] == 3


def test_renamed_scope_matches_after_map():
    needs_variants()
    a, b = VARIANTS / "renamed" / "ckpt", VARIANTS / "base" / "ckpt"
    res = diff_json(a, b)
    assert res.returncode == 1
    assert res.doc["summary"]["only_in_a"] == 2 and res.doc["summary"]["only_in_b"] == 2
    res = diff_json(a, b, "--map", "^model/block1/=model/dense1/")
    assert res.returncode == 0, res.describe()
    renamed = [r for r in res.doc["variables"] if r["match"]["method"] == "rule"]
    assert sorted(r["key_b"] for r in renamed) == ["model/dense1/bias/.ATTRIBUTES/VARIABLE_VALUE",
                                                   "model/dense1/kernel/.ATTRIBUTES/VARIABLE_VALUE"]
    assert all(r["match"]["rule"] == "^model/block1/=model/dense1/" for r in renamed)
    assert res.doc["mapping"]["by_rule"] == 2
    bad = cli("diff", str(a), str(b), "--map", "([=x")
    assert bad.returncode == 2, bad.describe()


def test_checkpoint_model_subtree_matches_savedmodel_root():
    res = diff_json(DEMO / "training_run" / "ckpt-4", DEMO / "saved_model")
    m = res.doc["mapping"]
    assert m["object_graph"] and m["root_a"] == "model" and m["root_b"] == ""
    rows = rows_by_key(res.doc)
    kernel = rows["model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"]
    assert kernel["key_b"] == "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"
    assert kernel["match"]["method"] == "object_graph" and kernel["status"] == "identical"
    # slots pair through their variable although the optimizer sits outside model/
    slot = rows["model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"]
    assert slot["status"] == "identical" and slot["match"]["method"] == "object_graph"
    # the SavedModel was saved after the last training step: every pair is identical
    assert {r["status"] for r in res.doc["variables"] if r["match"]} == {"identical"}


def tensorflow_accepts(tf, prefix: Path, **net_args) -> bool:
    """TensorFlow's answer: does tf.train.Checkpoint(model=net).read(prefix) match every object of the net?"""
    gen = H.oracle_generator()
    net = gen.compare_net(tf, np, **net_args)
    try:
        tf.train.Checkpoint(model=net).read(str(prefix)).assert_existing_objects_matched()
        return True
    except (AssertionError, ValueError, tf.errors.InvalidArgumentError):
        return False


@pytest.mark.parametrize("variant,fits", [("base", True), ("copy", True), ("with_optimizer", True),
                                          ("lost_layer", False), ("reshaped", False), ("renamed", False)])
def test_check_agrees_with_tensorflow(tf, variant, fits):
    needs_variants()
    prefix = VARIANTS / variant / "ckpt"
    assert tensorflow_accepts(tf, prefix) is fits, "TensorFlow disagrees with the expectation for " + variant
    for target in (VARIANTS / "saved_model", VARIANTS / "base" / "ckpt"):
        res = cli("check", str(prefix), str(target), "--json")
        assert res.returncode == (0 if fits else 1), res.describe()
        assert res.doc["fits"] is fits


def test_check_names_the_layer():
    needs_variants()
    lost = cli("check", str(VARIANTS / "lost_layer" / "ckpt"), str(VARIANTS / "saved_model"), "--json").doc
    assert sorted(e["key"] for e in lost["missing"]) == ["dense2/bias/.ATTRIBUTES/VARIABLE_VALUE",
                                                        "dense2/kernel/.ATTRIBUTES/VARIABLE_VALUE"]
    reshaped = cli("check", str(VARIANTS / "reshaped" / "ckpt"), str(VARIANTS / "saved_model"), "--json").doc
    assert reshaped["missing"] == []
    assert sorted((m["problem"], m["target"]["key"], tuple(m["checkpoint"]["shape"]), tuple(m["target"]["shape"]))
                  for m in reshaped["mismatched"]) == [
        ("shape", "dense2/bias/.ATTRIBUTES/VARIABLE_VALUE", (5,), (2,)),
        ("shape", "dense2/kernel/.ATTRIBUTES/VARIABLE_VALUE", (3, 5), (3, 2))]
    extra = cli("check", str(VARIANTS / "with_optimizer" / "ckpt"), str(VARIANTS / "saved_model"), "--json").doc
    assert extra["fits"] and extra["unexpected"] and all(e["optimizer_state"] for e in extra["unexpected"])
    assert cli("check", str(DEMO / "training_run"), str(DEMO / "saved_model")).returncode == 0


def test_run_series_match_numpy(tf):
    needs_variants()
    d = VARIANTS / "run"
    res = cli("run", str(d), "--json")
    assert res.returncode == 0, res.describe()
    (run,) = res.doc["runs"]
    state = tf.train.get_checkpoint_state(str(d))
    assert [s["prefix"] for s in run["steps"]] == [Path(p).name for p in state.all_model_checkpoint_paths]
    assert [s["timestamp"] for s in run["steps"]] == list(state.all_model_checkpoint_timestamps)
    assert {s["timestamp_source"] for s in run["steps"]} == {"state_file"} and run["current"]
    readers = [tf.train.load_checkpoint(str(d / s["prefix"])) for s in run["steps"]]
    problems = []
    for var in run["variables"]:
        prev = None
        for i, point in enumerate(var["points"]):
            v = np.asarray(readers[i].get_tensor(var["key"]))
            wide = v.astype(np.float32 if v.dtype.itemsize < 4 and v.dtype.kind != "i" else v.dtype)
            x = wide.reshape(-1).astype(np.float64)
            x = x[np.isfinite(x)]
            want = {"l2_norm": math.sqrt(float(np.sum(x * x))), "mean": float(np.mean(x)), "std": float(np.std(x)),
                    "max_abs": float(np.max(np.abs(x)))}
            want["rel_change"] = None if prev is None else reference(prev, v)["rel_change"]
            # A float64 mean/std of values as large as 2^62 is only good to a few ulps of the largest value
            # (numpy's pairwise sum and our chunked Welford drop different low bits), hence the absolute term.
            slack = 8 * np.finfo(np.float64).eps * want["max_abs"] + 1e-12
            for k, w in want.items():
                g = point[k]
                if (w is None) != (g is None) or (w is not None and not math.isclose(g, w, rel_tol=1e-9, abs_tol=slack)):
                    problems.append("%s step %d %s: ours %r, numpy %r" % (var["key"], i, k, g, w))
            prev = v
    H.assert_no_problems(problems, "run " + str(d))
    kernel = next(v for v in run["variables"] if v["key"] == "model/dense1/kernel/.ATTRIBUTES/VARIABLE_VALUE")
    assert [p["rel_change"] for p in kernel["points"]] == [None, 1.0, 1.0]  # doubled each step: |2w-w|/|w| = 1


def test_sort_and_top_order_the_rows_by_a_metric():
    """`--sort METRIC` orders the rows largest first (cosine: smallest first; rows without the metric last,
    in key order), `--top N` keeps the first N, and the summary still counts every row."""
    pairs = [(DEMO / "training_run" / "ckpt-1", DEMO / "training_run" / "ckpt-4")]
    corpus = H.CORPUS_DIR / "tf1-estimator-widedeep-5ckpts"
    if corpus.is_dir():
        pairs.append((corpus / "model.ckpt-752", corpus / "model.ckpt-1128"))
    for a, b in pairs:
        whole = diff_json(a, b).doc
        keys = [v["key"] for v in whole["variables"]]
        assert keys == sorted(keys), "the default order is by key"
        for metric in ("rel_change", "max_abs_diff", "mean_abs_diff", "rms_diff", "cosine", "frac_changed"):
            sign = 1 if metric == "cosine" else -1
            with_value = [v for v in whole["variables"] if v[metric] is not None]
            without = [v for v in whole["variables"] if v[metric] is None]
            want = sorted(with_value, key=lambda v: sign * v[metric]) + without  # stable: ties keep key order
            got = diff_json(a, b, "--sort", metric).doc
            assert [v["key"] for v in got["variables"]] == [v["key"] for v in want], (a, metric)
            top = diff_json(a, b, "--sort", metric, "--top", "3").doc
            assert [v["key"] for v in top["variables"]] == [v["key"] for v in want][:3]
            assert top["summary"] == whole["summary"]
        text = cli("diff", str(a), str(b), "--sort", "rel_change", "--top", "2")
        assert text.returncode in (0, 1) and "sorted by rel_change" in text.stdout, text.describe()
        # The text table shows the JSON's values: "-" exactly where the JSON has null, else the value to 4
        # significant digits (columns: status 14, then five metrics of 11 characters each).
        table = cli("diff", str(a), str(b))
        lines = table.stdout.splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("status"))
        rows = lines[header + 1:header + 1 + len(whole["variables"])]
        assert len(rows) == len(whole["variables"]), table.describe()
        for line, v in zip(rows, whole["variables"]):
            assert v["key"] in line, (line, v["key"])
            for c, metric in enumerate(("rel_change", "max_abs_diff", "mean_abs_diff", "rms_diff", "cosine")):
                cell = line[14 + 11 * c:25 + 11 * c].strip()
                if v[metric] is None:
                    assert cell == "-", (v["key"], metric, cell)
                else:
                    assert math.isclose(float(cell), v[metric], rel_tol=1e-3, abs_tol=1e-300), (v["key"], metric, cell)
    bad = cli("diff", str(pairs[0][0]), str(pairs[0][1]), "--sort", "speed")
    assert bad.returncode == 2, bad.describe()


def test_run_with_a_damaged_step_lists_it_and_follows_the_others(tmp_path):
    """A step whose index was cut short (a full disk while saving): `run` still lists every step, names the
    damaged one's error at that step and at each of its points, keeps the other steps' numbers, starts the
    relative-change chain again after the gap, and exits 3."""
    needs_variants()
    intact = cli("run", str(VARIANTS / "run"), "--json")
    assert intact.returncode == 0, intact.describe()
    d = tmp_path / "run"
    shutil.copytree(VARIANTS / "run", d)
    (steps_before,) = [r["steps"] for r in intact.doc["runs"]]
    assert len(steps_before) >= 3
    damaged = steps_before[1]["prefix"]
    index = d / (damaged + ".index")
    index.write_bytes(index.read_bytes()[:100])
    res = cli("run", str(d), "--json")
    assert res.returncode == 3, res.describe()
    assert damaged in res.stderr
    (run,) = res.doc["runs"]
    assert [s["prefix"] for s in run["steps"]] == [s["prefix"] for s in steps_before]
    assert [s["error"] is not None for s in run["steps"]] == [i == 1 for i in range(len(steps_before))]
    assert run["steps"][1]["error"]["code"] == "Truncated"
    (want,) = intact.doc["runs"]
    assert [v["key"] for v in run["variables"]] == [v["key"] for v in want["variables"]]
    for got, exp in zip(run["variables"], want["variables"]):
        for i, (g, e) in enumerate(zip(got["points"], exp["points"])):
            if i == 1:
                assert g["error"] == run["steps"][1]["error"] and g["l2_norm"] is None, (got["key"], g)
            elif i == 2:
                assert g["rel_change"] is None and g["l2_norm"] == e["l2_norm"], (got["key"], g)
            else:
                assert g == e, (got["key"], i, g, e)
    text = cli("run", str(d))
    assert text.returncode == 3 and "unreadable: " in text.stdout, text.describe()


def test_run_with_two_prefixes_lists_both():
    d = H.CORPUS_DIR / "tf1-saver-two-prefixes"
    if not d.is_dir():
        pytest.skip("corpus not available")
    res = cli("run", str(d), "--json")
    assert res.returncode == 0, res.describe()
    runs = {r["name"]: r for r in res.doc["runs"]}
    assert set(runs) == {"model.ckpt", "train_model.ckpt"}
    assert runs["model.ckpt"]["current"] and not runs["train_model.ckpt"]["current"]
    assert all(s["timestamp_source"] == "file_time" for r in runs.values() for s in r["steps"])

"""Tests of the fixture checker itself (compare_regenerated.py), on copies of committed TensorFlow fixtures.

A copy perturbed as much as an AVX2 and an AVX-512 machine really differ must pass; a renamed key, a changed
dtype or shape, or a value changed by 1 % must fail with a report that names what changed. Needs numpy only
(run it with an oracle venv's python: `.../tf215/bin/python -m pytest tests/oracle`).
"""
from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bundle_structure as bs  # noqa: E402
import compare_regenerated  # noqa: E402
import generate  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "fixtures", "tf215")
TRAINED_CASE = "ckpt_train_adam"          # 5 Adam steps: weights, m and v slots, a step counter
TRAINED_SAVEDMODEL = "sm_keras_sequential_model_save"  # trained, with a fingerprint (checkpoint_hash)
EXACT_CASE = "sm_tf1_builder"             # constant variables, computed signature outputs

# The largest differences seen between regenerations on different CPUs (tests/oracle/README.md, "Calibration"):
# relative 1.1e-5 for values that are not near zero, 1.5e-4 for values below 1e-4 of their tensor's largest.
SEEN_REL = 1.1e-5
SEEN_REL_NEAR_ZERO = 1.5e-4


def copy_case(tmp_path, case):
    committed_root = os.path.join(tmp_path, "committed")
    regen_root = os.path.join(tmp_path, "regenerated")
    for root in (committed_root, regen_root):
        shutil.copytree(os.path.join(FIXTURES, case), os.path.join(root, case))
        with open(os.path.join(FIXTURES, "skipped.json")) as f:
            skipped = json.load(f)
        with open(os.path.join(root, "skipped.json"), "w") as f:
            json.dump(skipped, f)
    return committed_root, os.path.join(regen_root, case), regen_root


def run_checker(committed_root, regen_root, case, capsys):
    rc = compare_regenerated.main(["--fixtures", committed_root, "--regenerated", regen_root, "--case", case])
    out = capsys.readouterr().out
    if os.environ.get("TSCOPE_SHOW_REPORTS"):
        with capsys.disabled():
            print(out)
    return rc, out


def perturb(values, rng, rel=SEEN_REL, rel_near_zero=SEEN_REL_NEAR_ZERO):
    """Float values moved the way another CPU moves them: by a relative amount up to `rel`, and up to
    `rel_near_zero` for entries that are tiny next to the tensor's largest."""
    v = values.astype(np.float64)
    top = np.abs(v).max() if v.size else 0.0
    bound = np.where(np.abs(v) < 1e-4 * top, rel_near_zero, rel)
    moved = v * (1 + rng.uniform(-1, 1, v.shape) * bound)
    return moved.astype(values.dtype)


def rewrite_npz(path, change):
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    for k in list(arrays):
        arrays[k] = change(k, arrays[k])
    generate.write_npz_deterministic(path, arrays)


def rewrite_float_payloads(case_dir, change):
    """Apply change(key, float array) to every float tensor payload of every bundle in case_dir, in place
    (the CRCs in the index go stale, as they do when another CPU writes other bits)."""
    for rel in compare_regenerated.list_files(case_dir):
        if not rel.endswith(".index"):
            continue
        bundle = bs.Bundle(os.path.join(case_dir, rel))
        for e in bundle.entries:
            if e.dtype != bs.DT_FLOAT or e.slices or not e.size:
                continue
            old = bs.decode_floats(bundle.payload(e), e.dtype)
            new = np.ascontiguousarray(change(e.key.decode(), old), dtype="<f4")
            with open(bundle.data_path(e.shard_id), "r+b") as f:
                f.seek(e.offset)
                f.write(new.tobytes())


def float_members_changed(change):
    return lambda k, a: change(k, a) if a.dtype.kind == "f" else a


# ------------------------------------------------------------------------------------------------- passes ---

def test_unchanged_copy_passes(tmp_path, capsys):
    committed, _, regen = copy_case(str(tmp_path), TRAINED_CASE)
    rc, out = run_checker(committed, regen, TRAINED_CASE, capsys)
    assert rc == 0, out
    assert "all bit-identical" in out


@pytest.mark.parametrize("case", [TRAINED_CASE, TRAINED_SAVEDMODEL])
def test_trained_values_moved_like_another_cpu_pass(tmp_path, capsys, case):
    committed, case_dir, regen = copy_case(str(tmp_path), case)
    rng = np.random.default_rng(7)
    rewrite_npz(os.path.join(case_dir, "values.npz"), float_members_changed(lambda k, a: perturb(a, rng)))
    rewrite_float_payloads(case_dir, lambda k, a: perturb(a, rng))
    with open(os.path.join(case_dir, "oracle.json"), encoding="utf-8") as f:
        oracle = json.load(f)
    for art in oracle["artifacts"]:  # another CPU's bytes hash differently
        for fp in ("fingerprint", "fingerprint_via_tf"):
            if isinstance(art.get(fp), dict) and "checkpoint_hash" in art[fp]:
                art[fp]["checkpoint_hash"] = "12345"
    generate.dump_json(os.path.join(case_dir, "oracle.json"), oracle)
    rc, out = run_checker(committed, regen, case, capsys)
    assert rc == 0, out
    # The report says how far apart they were.
    assert "tolerant float values" in out and "max rel" in out and "ULP" in out
    assert "all bit-identical" not in out  # the perturbation really moved them


def test_signature_outputs_moved_pass_on_an_exact_case(tmp_path, capsys):
    committed, case_dir, regen = copy_case(str(tmp_path), EXACT_CASE)
    rng = np.random.default_rng(8)
    rewrite_npz(os.path.join(case_dir, "values.npz"),
                lambda k, a: perturb(a, rng) if compare_regenerated.is_signature_output(k) and a.dtype.kind == "f"
                else a)
    rc, out = run_checker(committed, regen, EXACT_CASE, capsys)
    assert rc == 0, out
    assert "signature outputs:" in out and "all bit-identical" not in out


# ------------------------------------------------------------------------------------------------- failures ---

def test_exact_case_variable_moved_one_ulp_fails(tmp_path, capsys):
    """EXACT cases stay bit for bit: their variables come from constants on every CPU."""
    committed, case_dir, regen = copy_case(str(tmp_path), EXACT_CASE)
    rewrite_float_payloads(case_dir, lambda k, a: np.nextafter(a, np.float32(np.inf)) if k == "dense/kernel" else a)
    rc, out = run_checker(committed, regen, EXACT_CASE, capsys)
    assert rc == 1
    assert "variables.data-00000-of-00001: bytes differ" in out


def test_value_changed_by_one_percent_fails(tmp_path, capsys):
    committed, case_dir, regen = copy_case(str(tmp_path), TRAINED_CASE)
    target = "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"
    rewrite_float_payloads(case_dir, lambda k, a: a * np.float32(1.01) if k == target else a)
    rewrite_npz(os.path.join(case_dir, "values.npz"),
                lambda k, a: a * np.float32(1.01) if k.endswith("|" + target) else a)
    rc, out = run_checker(committed, regen, TRAINED_CASE, capsys)
    assert rc == 1
    assert "MISMATCH ckpt_train_adam" in out
    assert target in out and "outside the tolerance" in out


def test_adam_v_slot_changed_by_one_percent_fails(tmp_path, capsys):
    """The absolute bound scales with the tensor, so even Adam's tiny `v` values cannot move by 1 %."""
    committed, case_dir, regen = copy_case(str(tmp_path), TRAINED_CASE)
    # The smallest-magnitude float tensor of the newest checkpoint: a `v` slot.
    with np.load(os.path.join(case_dir, "values.npz")) as z:
        floats = {k: z[k] for k in z.files if z[k].dtype.kind == "f" and z[k].size > 1 and "ckpt-5|" in k}
    smallest = min(floats, key=lambda k: np.abs(floats[k]).max())
    assert np.abs(floats[smallest]).max() < 1e-3, smallest
    key = smallest.split("|", 1)[1]
    rewrite_float_payloads(case_dir, lambda k, a: a * np.float32(1.01) if k == key else a)
    rc, out = run_checker(committed, regen, TRAINED_CASE, capsys)
    assert rc == 1
    assert key in out and "outside the tolerance" in out


def test_renamed_key_fails(tmp_path, capsys):
    committed, case_dir, regen = copy_case(str(tmp_path), TRAINED_CASE)
    old = b"model/layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE"
    new = b"model/layer_with_weights-1/beta/.ATTRIBUTES/VARIABLE_VALUE"
    bs.rewrite_index(os.path.join(case_dir, "train", "ckpt-5.index"),
                     lambda k, v: (new if k == old else k, v))
    rc, out = run_checker(committed, regen, TRAINED_CASE, capsys)
    assert rc == 1
    assert "key only in committed: %r" % old in out
    assert "key only in regenerated: %r" % new in out


def test_changed_dtype_fails(tmp_path, capsys):
    committed, case_dir, regen = copy_case(str(tmp_path), TRAINED_CASE)
    key = b"model/layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE"

    def to_int32(k, v):
        if k != key:
            return k, v
        assert v[:2] == b"\x08\x01"  # field 1 (dtype) = DT_FLOAT
        return k, b"\x08\x03" + v[2:]  # DT_INT32
    bs.rewrite_index(os.path.join(case_dir, "train", "ckpt-5.index"), to_int32)
    with open(os.path.join(case_dir, "oracle.json"), encoding="utf-8") as f:
        oracle = json.load(f)
    for art in oracle["artifacts"]:
        for v in art.get("variables", []):
            if v["key"] == key.decode() and art["path"] == "train/ckpt-5":
                v["dtype"] = "int32"
    generate.dump_json(os.path.join(case_dir, "oracle.json"), oracle)
    rc, out = run_checker(committed, regen, TRAINED_CASE, capsys)
    assert rc == 1
    assert "ckpt-5.index: %s: entry differs" % key.decode() in out
    assert "'dtype': 1" in out and "'dtype': 3" in out
    assert 'committed "float32", regenerated "int32"' in out


def test_changed_shape_fails(tmp_path, capsys):
    committed, case_dir, regen = copy_case(str(tmp_path), TRAINED_CASE)
    target = "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"
    rewrite_npz(os.path.join(case_dir, "values.npz"),
                lambda k, a: a.reshape(a.shape[::-1]) if k.endswith("|" + target) else a)
    rc, out = run_checker(committed, regen, TRAINED_CASE, capsys)
    assert rc == 1
    assert target in out and "float32[4, 8] != float32[8, 4]" in out

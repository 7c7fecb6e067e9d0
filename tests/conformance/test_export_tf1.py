"""`tensorscope-cli export savedmodel CKPT OUT --meta M.meta --input NAME=TENSOR --output NAME=TENSOR`, checked by
TensorFlow: the generated case export_tf1_meta_graph (a TF1 graph, tf.compat.v1.train.Saver checkpoint + .meta)
exported by us loads with TensorFlow's TF1 loader (`tf.compat.v1.saved_model.loader.load(sess, ["serve"], dir)`),
its variables are the checkpoint's own, and its signature run on the recorded inputs gives, bit for bit, what
the original graph gives with the checkpoint restored by its own Saver (and, within the generator's float
tolerance, what the generating session recorded). Unknown tensors exit 5 naming the tensor; an input that is not
a placeholder is refused with the reason; nothing is written either way."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import conftest as H
import test_export_savedmodel
import test_schemas

tf = pytest.importorskip("tensorflow")

CASE = "export_tf1_meta_graph"
RTOL, ATOL_OF_MAX = 1e-4, 1e-7  # tests/oracle/generate.py FLOAT_REPRODUCIBILITY


def case():
    d = H.TAG_DIR / CASE
    if not (d / "oracle.json").exists():
        pytest.skip(f"fixture {CASE} not generated for {H.TF_TAG}")
    oracle = json.loads((d / "oracle.json").read_text())
    (art,) = [a for a in oracle["artifacts"] if "export_tf1" in a]
    prefix = d / art["path"]
    return prefix, art["export_tf1"], np.load(d / "values.npz")


def bindings(flag, mapping):
    args = []
    for name, tensor in mapping.items():
        args += [flag, f"{name}={tensor}"]
    return args


def export(prefix, out, *extra):
    return H.run_cli_uncached("export", "savedmodel", str(prefix), str(out), "--meta", str(prefix) + ".meta",
                              *extra)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    prefix, spec, values = case()
    out = tmp_path_factory.mktemp("tf1") / "exported"
    res = export(prefix, out, *bindings("--input", spec["inputs"]), *bindings("--output", spec["outputs"]),
                 "--json")
    assert res.returncode == 0, res.describe()
    problems = [e.message for e in test_schemas.validators()["tensorscope.export/1"].iter_errors(res.doc)]
    assert not problems, problems
    return prefix, spec, values, out, res.doc


def run_loaded(out: Path, feeds: dict):
    """TensorFlow's TF1 loader, then the serving_default signature by its TensorInfo names."""
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        mg = tf.compat.v1.saved_model.loader.load(sess, ["serve"], str(out))
        sig = mg.signature_def["serving_default"]
        fetch = {k: v.name for k, v in sig.outputs.items()}
        feed = {sig.inputs[k].name: v for k, v in feeds.items()}
        return sess.run(fetch, feed), sig


def run_original(prefix: Path, spec: dict, feeds: dict):
    """The original graph (.meta) with the checkpoint restored by the graph's own Saver."""
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        saver = tf.compat.v1.train.import_meta_graph(str(prefix) + ".meta")
        saver.restore(sess, str(prefix))
        fetch = dict(spec["outputs"])
        return sess.run(fetch, {spec["inputs"][k]: v for k, v in feeds.items()})


def close(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind != "f":
        return a.tobytes() == b.tobytes()
    scale = np.max(np.abs(a[np.isfinite(a)]), initial=0.0)
    return bool(np.all(np.abs(a - b) <= RTOL * np.maximum(np.abs(a), np.abs(b)) + ATOL_OF_MAX * scale))


def test_tf1_loader_runs_our_signature_like_the_original_session(exported):
    prefix, spec, values, out, _ = exported
    ref = spec["reference"]
    x = values[ref + "/in/x"]
    ours, sig = run_loaded(out, {"x": x})
    theirs = run_original(prefix, spec, {"x": x})
    assert ours.keys() == theirs.keys() == spec["outputs"].keys()
    for k in ours:
        assert ours[k].dtype == theirs[k].dtype and ours[k].tobytes() == theirs[k].tobytes(), k
        recorded = values[ref + "/out/" + k]
        # values.npz stores a scalar as shape (1,) (np.ascontiguousarray): compare the elements.
        assert ours[k].size == recorded.size and close(recorded.reshape(ours[k].shape), ours[k]), k
    assert sig.method_name == "tensorflow/serving/predict"


def test_a_fed_placeholder_with_default_changes_the_output_as_in_the_original(exported):
    prefix, spec, values, out, _ = exported
    ref = spec["reference"]
    feeds = {"x": values[ref + "/in/x"], "temperature": np.float32(2.0)}
    ours, _ = run_loaded(out, feeds)
    theirs = run_original(prefix, spec, feeds)
    assert ours["logits"].tobytes() == theirs["logits"].tobytes()
    assert close(values[ref + "/out/logits_t2"], ours["logits"])
    assert ours["logits"].tobytes() != values[ref + "/out/logits"].tobytes()


def test_signature_types_are_the_graphs(exported):
    prefix, spec, _, out, doc = exported
    _, sig = run_loaded(out, {"x": np.zeros((1, 4), np.float32)})
    with tf.Graph().as_default() as g:
        tf.compat.v1.train.import_meta_graph(str(prefix) + ".meta")
        for group, names in (("inputs", spec["inputs"]), ("outputs", spec["outputs"])):
            infos = getattr(sig, group)
            assert set(infos) == set(names)
            for key, tensor_name in names.items():
                t = g.get_tensor_by_name(tensor_name)
                info = infos[key]
                assert info.name == t.name and info.dtype == t.dtype.as_datatype_enum, key
                if t.op.type.startswith("Placeholder"):  # the shape is the placeholder's attr
                    assert tf.TensorShape(info.tensor_shape) == t.shape, key
    assert [i["op"] for i in doc["signature"]["inputs"]] and all(
        i["op"].startswith("Placeholder") for i in doc["signature"]["inputs"])
    assert doc["left_out_files"] == []
    test_export_savedmodel.assert_fingerprint_is_tensorflows(out)


def test_variables_are_the_checkpoints_under_its_keys(exported):
    prefix, _, _, out, doc = exported
    ours = tf.train.load_checkpoint(str(out / "variables" / "variables"))
    theirs = tf.train.load_checkpoint(str(prefix))
    keys = theirs.get_variable_to_shape_map()
    assert ours.get_variable_to_shape_map() == keys
    for k in keys:
        assert ours.get_tensor(k).tobytes() == theirs.get_tensor(k).tobytes(), k
    assert doc["signature"]["restored_keys"] == len(keys) and not doc["signature"]["missing"]


def test_unknown_tensor_exits_5_with_its_name(tmp_path):
    prefix, spec = case()[:2]
    out = tmp_path / "out"
    res = export(prefix, out, *bindings("--input", spec["inputs"]), "--output", "y=no_such_op:0")
    assert res.returncode == 5, res.describe()
    assert "no_such_op:0" in res.stderr
    res = export(prefix, out, "--input", "x=x:0", "--output", "p=probs:1")
    assert res.returncode == 5 and "probs:1" in res.stderr, res.describe()
    assert list(tmp_path.iterdir()) == []


def test_an_input_that_is_not_a_placeholder_is_refused_with_the_reason(tmp_path):
    prefix, spec = case()[:2]
    out = tmp_path / "out"
    res = export(prefix, out, "--input", "h=hidden:0", *bindings("--output", spec["outputs"]))
    assert res.returncode == 2, res.describe()
    assert "hidden:0" in res.stderr and "not a placeholder" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_force(tmp_path):
    prefix, spec = case()[:2]
    out = tmp_path / "out"
    out.mkdir()
    args = [*bindings("--input", spec["inputs"]), *bindings("--output", spec["outputs"])]
    assert export(prefix, out, *args).returncode == 7
    res = export(prefix, out, *args, "--force")
    assert res.returncode == 0, res.describe()
    assert (out / "saved_model.pb").exists() and [p.name for p in tmp_path.iterdir()] == ["out"]


# ------------------------------------------------------------------------------------------------- safety ---

@pytest.fixture(scope="module")
def big_tf1_checkpoint(tmp_path_factory):
    """A TF1 graph with 4 x 64 MiB variables and its Saver checkpoint: an export takes long enough to kill."""
    d = tmp_path_factory.mktemp("big_tf1")
    with tf.Graph().as_default() as g:
        x = tf.compat.v1.placeholder(tf.float32, [None], name="x")
        vs = [tf.compat.v1.get_variable("v%d" % i, initializer=tf.random.stateless_uniform([16 << 20], seed=[i, 1]))
              for i in range(4)]
        tf.identity(x + vs[0][0], name="y")
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session(graph=g) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            return Path(saver.save(sess, str(d / "model.ckpt"), write_state=False))


def test_sigkill_leaves_no_target_and_the_next_export_removes_the_temporary_directory(tmp_path, big_tf1_checkpoint):
    import signal
    import subprocess
    import time

    prefix = big_tf1_checkpoint
    target = tmp_path / "sm"
    cmd = [str(H.CLI_PATH), "export", "savedmodel", str(prefix), str(target), "--meta", str(prefix) + ".meta",
           "--input", "x=x", "--output", "y=y"]
    H._require_cli()
    for _ in range(20):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(".tmp-tensorscope-" in p.name for p in tmp_path.iterdir()):
            time.sleep(0.001)
        time.sleep(0.05)  # into the variables' data
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not target.exists():
            break
        import shutil
        shutil.rmtree(target)  # finished before the kill: try again
    else:
        pytest.fail("the export always finished before SIGKILL")
    leftovers = list(tmp_path.iterdir())
    assert leftovers and all(".tmp-tensorscope-" in p.name for p in leftovers), leftovers
    assert any(p.is_dir() for p in leftovers), leftovers  # the SavedModel's temporary directory
    res = H.run_cli_uncached(*cmd[1:], "--json")
    assert res.returncode == 0, res.describe()
    assert res.doc["stale_temporaries_removed"] == len(leftovers)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    ours = tf.train.load_checkpoint(str(target / "variables" / "variables"))
    theirs = tf.train.load_checkpoint(str(prefix))
    assert ours.get_tensor("v3").tobytes() == theirs.get_tensor("v3").tobytes()

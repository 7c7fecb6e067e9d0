"""`tensorscope-cli export savedmodel CKPT OUT --template SM` on the bundled demo, checked by TensorFlow:
the result loads with `tf.saved_model.load` (its serving part on TF 2.16+, see `load`), holds exactly the checkpoint's values under the template's keys
(`tf.train.load_checkpoint`), and its signature gives, bit for bit, what TensorFlow computes when it restores
the same checkpoint into the loaded template itself (`tf.train.Checkpoint(model=loaded).restore`). A layer of
another shape makes the mapping refuse (exit 6, the variable named, nothing written)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import conftest as H
import test_fingerprint
import test_schemas

tf = pytest.importorskip("tensorflow")

DEMO = H.REPO_ROOT / "resources" / "demo"
TEMPLATE = DEMO / "saved_model"
OLD_STEP = DEMO / "training_run" / "ckpt-1"
OBJECT_GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"


def export(*args) -> H.CliResult:
    return H.run_cli_uncached("export", "savedmodel", *[str(a) for a in args])


def valid(doc: dict):
    problems = [e.message for e in test_schemas.validators()["tensorscope.export/1"].iter_errors(doc)]
    assert not problems, problems


def fixed_images():
    return tf.constant(np.random.default_rng(11).normal(size=(5, 12, 12, 1)).astype("float32"))


class Served:
    """The serving part of a loaded SavedModel: its signatures and the root's other children by name."""

    def __init__(self, parts: dict):
        self.signatures = parts.pop("signatures")
        self.children = parts


def load(path: Path) -> Served:
    """Loads every child of the root except the optimizer (the node that owns slot variables). TensorFlow revives
    a Keras 2 optimizer's slots through Optimizer.add_slot, which exists only where the legacy Keras optimizer
    classes are registered (TF 2.15's bundled Keras); TF 2.16+ without tf_keras revives the optimizer as a plain
    object and fails with AttributeError: add_slot. Serving never needs the optimizer, so both TensorFlow
    versions load the same nodes of the demo template and of our export."""
    from tensorflow.core.protobuf import saved_model_pb2

    sm = saved_model_pb2.SavedModel()
    sm.ParseFromString((path / "saved_model.pb").read_bytes())
    graph = sm.meta_graphs[0].object_graph_def
    optimizers = {i for i, node in enumerate(graph.nodes) if node.slot_variables}
    names = [c.local_name for c in graph.nodes[0].children if c.node_id not in optimizers]
    assert "signatures" in names
    parts = tf.__internal__.saved_model.load_partial(str(path), ["root." + n for n in names])
    return Served({n: parts["root." + n] for n in names})


def run_signature(loaded):
    fn = loaded.signatures["serving_default"]
    (name,) = fn.structured_input_signature[1].keys()
    return {k: v.numpy() for k, v in fn(**{name: fixed_images()}).items()}


def tf_restored_outputs(prefix: Path):
    """The template loaded by TensorFlow, the checkpoint restored into it by TensorFlow's own object-graph
    matching (a training checkpoint holds the model under `model`)."""
    loaded = load(TEMPLATE)
    status = tf.train.Checkpoint(model=tf.train.Checkpoint(**loaded.children)).restore(str(prefix))
    status.expect_partial()
    return run_signature(loaded)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("sm") / "exported"
    res = export(OLD_STEP, out, "--template", TEMPLATE, "--json")
    assert res.returncode == 0, res.describe()
    valid(res.doc)
    return out, res.doc


def test_export_holds_the_checkpoints_values_under_the_templates_keys(exported):
    out, doc = exported
    mapping = doc["mapping"]
    assert not mapping["refused"] and not mapping["missing"] and not mapping["mismatched"]
    assert mapping["checkpoint_root"] == "model"
    ours = tf.train.load_checkpoint(str(out / "variables" / "variables"))
    ckpt = tf.train.load_checkpoint(str(OLD_STEP))
    template = tf.train.load_checkpoint(str(TEMPLATE / "variables" / "variables"))
    keys = set(template.get_variable_to_shape_map()) - {OBJECT_GRAPH}
    assert set(ours.get_variable_to_shape_map()) - {OBJECT_GRAPH} == keys
    # The template was saved after compile(): its Keras metrics state is not in a training checkpoint and
    # keeps the template's values; everything else comes from the checkpoint.
    kept = {m["template_key"] for m in mapping["kept"]}
    assert kept and all(k.startswith("keras_api/metrics/") for k in kept)
    assert {m["template_key"] for m in mapping["matched"]} | kept == keys
    for k in kept:
        assert ours.get_tensor(k).tobytes() == template.get_tensor(k).tobytes(), k
    for m in mapping["matched"]:
        if m["template_key"].startswith("layer_with_weights-"):
            assert m["method"] == "object_graph", m
        mine, theirs = ours.get_tensor(m["template_key"]), ckpt.get_tensor(m["checkpoint_key"])
        assert mine.dtype == theirs.dtype and mine.tobytes() == theirs.tobytes(), m
    assert ours.get_tensor(OBJECT_GRAPH) == template.get_tensor(OBJECT_GRAPH)
    assert (out / "saved_model.pb").read_bytes() == (TEMPLATE / "saved_model.pb").read_bytes()
    assert_fingerprint_is_tensorflows(out)


def assert_fingerprint_is_tensorflows(out: Path) -> None:
    """Our fingerprint.pb holds what TensorFlow computes for the exported directory, field by field."""
    import tensorflow as tf
    assert (out / "fingerprint.pb").exists()
    fresh = test_fingerprint._tf_computes(out)
    if fresh is None:
        pytest.skip("this TensorFlow has no pywrap CreateFingerprintDef")
    assert test_fingerprint._tf_fingerprint(tf, out) == fresh
    res = H.run_cli_uncached("verify", str(out), "--json")
    assert res.returncode == 0, res.describe()
    assert all(f["status"] == "match" for f in res.doc["fingerprint"]["fields"]), res.describe()


def test_signatures_match_tensorflow_restoring_the_checkpoint_itself(exported):
    out, _ = exported
    ours = run_signature(load(out))
    theirs = tf_restored_outputs(OLD_STEP)
    template = run_signature(load(TEMPLATE))
    assert ours.keys() == theirs.keys()
    for k in ours:
        assert ours[k].tobytes() == theirs[k].tobytes(), k
        # The template was saved after step 4: step 1's weights give other outputs.
        assert ours[k].tobytes() != template[k].tobytes(), k


def test_export_loads_whole_exactly_where_the_template_does(exported):
    # TF 2.15 revives the whole demo (its Keras 2 optimizer included); TF 2.16+ neither the template nor ours.
    def loads_whole(path):
        try:
            tf.saved_model.load(str(path))
            return True
        except AttributeError as e:
            assert "add_slot" in str(e), e
            return False

    out, _ = exported
    assert loads_whole(out) == loads_whole(TEMPLATE)


def test_our_verify_passes_on_the_export(exported):
    out, _ = exported
    res = H.run_cli_uncached("verify", str(out))
    assert res.returncode == 0, res.describe()


def test_existing_output_needs_force(exported, tmp_path):
    out = tmp_path / "again"
    out.mkdir()
    res = export(OLD_STEP, out, "--template", TEMPLATE)
    assert res.returncode == 7, res.describe()
    res = export(OLD_STEP, out, "--template", TEMPLATE, "--force")
    assert res.returncode == 0, res.describe()
    assert (out / "variables" / "variables.index").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["again"]


def test_an_output_that_cannot_be_created_exits_7(exported):
    res = export(OLD_STEP, "/proc/tensorscope-cannot-create", "--template", TEMPLATE, "--force")
    assert res.returncode == 7, res.describe()
    assert "NotFound" not in res.stderr, res.describe()


def test_a_layer_of_another_shape_is_refused_and_named(tmp_path):
    # The demo's architecture with a wider hidden layer, saved the way a training run saves.
    inputs = tf.keras.Input(shape=(12, 12, 1), name="image")
    x = tf.keras.layers.Conv2D(8, 3, activation="relu", name="conv")(inputs)
    x = tf.keras.layers.MaxPooling2D(name="pool")(x)
    x = tf.keras.layers.Flatten(name="flatten")(x)
    x = tf.keras.layers.Dense(25, activation="relu", name="hidden")(x)
    outputs = tf.keras.layers.Dense(3, activation="softmax", name="classes")(x)
    model = tf.keras.Model(inputs, outputs)
    prefix = tf.train.Checkpoint(model=model).write(str(tmp_path / "wider"))
    out = tmp_path / "exported"
    res = export(prefix, out, "--template", TEMPLATE, "--json")
    assert res.returncode == 6, res.describe()
    valid(res.doc)
    mapping = res.doc["mapping"]
    mismatched = {m["template_key"] for m in mapping["mismatched"]}
    refused = mismatched | {m["template_key"] for m in mapping["missing"]}
    if H.TF_TAG == "tf215":  # Keras 2 saves the same object layout as the template: only the wider layer differs
        assert mismatched and all("layer_with_weights-1" in k or "layer_with_weights-2" in k for k in mismatched)
        assert not mapping["missing"]
    else:  # a Keras 3 model's checkpoint has another object layout: its weights are not found where expected
        assert refused
    assert mapping["refused"] and res.doc["files"] == []
    for key in refused:
        assert key in res.stderr
    assert not out.exists()


def test_the_last_checkpoint_reproduces_tensorflows_own_variables_byte_for_byte(tmp_path):
    # make_demo.py saved the template right after ckpt-4: TF's own variables files are what we must write.
    out = tmp_path / "last"
    res = export(DEMO / "training_run" / "ckpt-4", out, "--template", TEMPLATE)
    assert res.returncode == 0, res.describe()
    for name in ("variables.index", "variables.data-00000-of-00001"):
        assert (out / "variables" / name).read_bytes() == (TEMPLATE / "variables" / name).read_bytes(), name


class Dense(tf.Module):
    """A tiny two-layer net as plain tf.Modules (the same in Keras 2 and Keras 3 worlds)."""

    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(3)
        self.w1 = tf.Variable(rng.normal(size=(4, 5)).astype("float32"))
        self.b1 = tf.Variable(np.zeros(5, "float32"))
        self.w2 = tf.Variable(rng.normal(size=(5, 2)).astype("float32"))

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
    def __call__(self, x):
        return {"y": tf.matmul(tf.nn.relu(tf.matmul(x, self.w1) + self.b1), self.w2)}


def test_our_export_of_a_later_checkpoint_equals_tensorflows_own_export(tmp_path):
    model = Dense()
    optimizer = tf.Module()
    optimizer.iterations = tf.Variable(0, dtype=tf.int64)
    optimizer.momentum = tf.Variable(np.zeros((4, 5), "float32"))
    ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer)
    ckpt.write(str(tmp_path / "ckpt-1"))
    tf.saved_model.save(model, str(tmp_path / "template"), signatures={"serving_default": model.__call__})
    # One more "training step", then checkpoint 2 and TensorFlow's own export of step 2.
    x = tf.constant(np.random.default_rng(5).normal(size=(6, 4)).astype("float32"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x)["y"] ** 2)
    grads = tape.gradient(loss, [model.w1, model.b1, model.w2])
    for v, g in zip([model.w1, model.b1, model.w2], grads):
        v.assign_sub(0.01 * g)
    optimizer.iterations.assign_add(1)
    optimizer.momentum.assign(grads[0])
    prefix = ckpt.write(str(tmp_path / "ckpt-2"))
    tf.saved_model.save(model, str(tmp_path / "tf_export"), signatures={"serving_default": model.__call__})

    out = tmp_path / "ours"
    res = export(prefix, out, "--template", tmp_path / "template", "--json")
    assert res.returncode == 0, res.describe()
    valid(res.doc)
    assert not res.doc["mapping"]["kept"] and len(res.doc["mapping"]["matched"]) == 3
    ours = tf.saved_model.load(str(out)).signatures["serving_default"](x=x)
    theirs = tf.saved_model.load(str(tmp_path / "tf_export")).signatures["serving_default"](x=x)
    template = tf.saved_model.load(str(tmp_path / "template")).signatures["serving_default"](x=x)
    assert ours["y"].numpy().tobytes() == theirs["y"].numpy().tobytes()
    assert ours["y"].numpy().tobytes() != template["y"].numpy().tobytes()
    # The variables files are TensorFlow's own, byte for byte (same keys, same order, same values).
    for name in ("variables.index", "variables.data-00000-of-00001"):
        assert (out / "variables" / name).read_bytes() == (tmp_path / "tf_export" / "variables" / name).read_bytes()

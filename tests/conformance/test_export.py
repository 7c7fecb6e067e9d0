"""`tensorscope-cli export`: what it writes is read back by the reference readers and compared with what
TensorFlow reads from the source, bit for bit: .npy/.npz with numpy, .safetensors with the `safetensors`
package, smaller checkpoints restored into the model by TensorFlow. Plus the safety rules: no overwrite
without --force, nothing left behind when the disk fills up, a SIGKILLed export leaves no target and its
temporary file is removed by the next export into that directory."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

import conftest as H
import test_schemas

tf = pytest.importorskip("tensorflow")
safetensors = pytest.importorskip("safetensors")

DTYPES = H.TAG_DIR / "ckpt_dtypes_object" / "ckpt" / "dtypes"
OBJECT_GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"


def export(*args) -> H.CliResult:
    return H.run_cli_uncached("export", *[str(a) for a in args])


def export_json(*args) -> dict:
    res = export(*args, "--json")
    assert res.returncode == 0, res.describe()
    assert res.doc and res.doc["schema"] == "tensorscope.export/1", res.describe()
    problems = [e.message for e in test_schemas.validators()["tensorscope.export/1"].iter_errors(res.doc)]
    assert not problems, problems
    return res.doc


def tf_values(prefix) -> dict:
    reader = tf.train.load_checkpoint(str(prefix))
    return {k: reader.get_tensor(k) for k in reader.get_variable_to_shape_map() if k != OBJECT_GRAPH}


def same_bits(ours: np.ndarray, theirs: np.ndarray) -> bool:
    theirs = np.asarray(theirs)
    if theirs.dtype.kind == "O":  # TF strings
        return ours.shape == theirs.shape and [bytes(x) for x in ours.ravel()] == [bytes(x) for x in theirs.ravel()]
    return ours.shape == theirs.shape and ours.tobytes() == np.ascontiguousarray(theirs).tobytes()


@pytest.fixture(scope="module")
def dtypes_values():
    if not Path(str(DTYPES) + ".index").exists():
        pytest.skip("fixture ckpt_dtypes_object missing for tag " + H.TF_TAG)
    return tf_values(DTYPES)


def test_npz_holds_every_tensor_numpy_can(tmp_path, dtypes_values):
    doc = export_json("npz", DTYPES, tmp_path / "w.npz", "--skip-unsupported")
    skipped = {s.split(":")[0] for s in doc["skipped"]}
    with np.load(tmp_path / "w.npz", allow_pickle=False) as z:
        names = set(z.files)
        assert names | skipped == set(dtypes_values)
        for name in names:
            assert same_bits(z[name], dtypes_values[name]), name
    # numpy has no bfloat16 or float8: those are left out, and said so; strings are fixed-width bytes, except
    # those ending in NUL, which numpy's bytes dtype would silently shorten.
    assert any("bfloat16" in s for s in doc["skipped"])
    assert all("NUL" in s for s in doc["skipped"] if "/string/" in s)
    assert any("/string/" in name for name in names)
    assert doc["tensors"] == len(names)


def test_npz_without_skip_refuses_and_writes_nothing(tmp_path):
    res = export("npz", DTYPES, tmp_path / "w.npz")
    assert res.returncode == 7, res.describe()
    assert "bfloat16" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_sync_writes_the_same_bytes_and_zip_crcs_check(tmp_path):
    """--sync only adds fsyncs: the files are byte-identical (.npz too: fixed DOS-epoch dates), and Python's
    zipfile verifies every member's CRC32 (ours come from libdeflate)."""
    import zipfile
    for fmt in ("npz", "safetensors"):
        export_json(fmt, DTYPES, tmp_path / ("plain." + fmt), "--skip-unsupported")
        export_json(fmt, DTYPES, tmp_path / ("synced." + fmt), "--skip-unsupported", "--sync")
        assert (tmp_path / ("plain." + fmt)).read_bytes() == (tmp_path / ("synced." + fmt)).read_bytes(), fmt
    with zipfile.ZipFile(tmp_path / "plain.npz") as z:
        assert z.testzip() is None
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())


def test_safetensors_keeps_bfloat16_and_float8(tmp_path, dtypes_values):
    doc = export_json("safetensors", DTYPES, tmp_path / "w.safetensors", "--skip-unsupported")
    loaded = dict(safetensors.deserialize((tmp_path / "w.safetensors").read_bytes()))
    skipped = {s.split(":")[0] for s in doc["skipped"]}
    assert set(loaded) | skipped == set(dtypes_values)
    dtypes = {name: t["dtype"] for name, t in loaded.items()}
    assert dtypes["dtypes/bfloat16/special/.ATTRIBUTES/VARIABLE_VALUE"] == "BF16"
    assert dtypes["dtypes/float8_e4m3fn/bits/.ATTRIBUTES/VARIABLE_VALUE"] == "F8_E4M3"
    assert dtypes["dtypes/float8_e5m2/bits/.ATTRIBUTES/VARIABLE_VALUE"] == "F8_E5M2"
    for name, t in loaded.items():
        theirs = np.asarray(dtypes_values[name])  # tobytes() is C order; ascontiguousarray makes scalars 1-D
        assert list(t["shape"]) == list(theirs.shape), name
        assert bytes(t["data"]) == theirs.tobytes(), name
    assert any("string" in s for s in doc["skipped"])


def test_safetensors_names_by_object_path(tmp_path, dtypes_values):
    export_json("safetensors", DTYPES, tmp_path / "w.safetensors", "--skip-unsupported", "--names", "path")
    loaded = dict(safetensors.deserialize((tmp_path / "w.safetensors").read_bytes()))
    # The object path of a variable is its key without "/.ATTRIBUTES/VARIABLE_VALUE" (FORMATS.md naming).
    assert "dtypes/float32/matrix" in loaded
    assert bytes(loaded["dtypes/float32/matrix"]["data"]) == dtypes_values[
        "dtypes/float32/matrix/.ATTRIBUTES/VARIABLE_VALUE"].tobytes()


def test_npy_and_csv_of_a_slice(tmp_path, dtypes_values):
    key = "dtypes/float32/matrix/.ATTRIBUTES/VARIABLE_VALUE"
    theirs = dtypes_values[key]
    export_json("npy", DTYPES, key, tmp_path / "m.npy", "--slice", "1:,::2")
    assert same_bits(np.load(tmp_path / "m.npy"), theirs[1:, ::2])
    export_json("csv", DTYPES, key, tmp_path / "m.csv")
    back = np.loadtxt(tmp_path / "m.csv", delimiter=",", dtype=np.float64, ndmin=2).astype(np.float32)
    assert back.tobytes() == theirs.tobytes()
    # Strings are fixed-width bytes; a string ending in NUL (numpy would drop it) is refused with exit 7.
    exported = 0
    for key in (k for k in dtypes_values if "/string/" in k):
        theirs = np.asarray(dtypes_values[key])
        res = export("npy", DTYPES, key, tmp_path / "s.npy", "--force")
        if any(bytes(x).endswith(b"\0") for x in theirs.ravel()):
            assert res.returncode == 7 and "NUL" in res.stderr, res.describe()
            continue
        assert res.returncode == 0, res.describe()
        assert same_bits(np.load(tmp_path / "s.npy"), theirs), key
        exported += 1
    assert exported > 0


def test_exit_codes(tmp_path):
    key = "dtypes/float32/matrix/.ATTRIBUTES/VARIABLE_VALUE"
    assert export("npy", DTYPES, "no/such/var", tmp_path / "x.npy").returncode == 5
    assert export("npy", tmp_path / "missing", key, tmp_path / "x.npy").returncode == 3
    assert export("npy", DTYPES, "dtypes/bfloat16/special/.ATTRIBUTES/VARIABLE_VALUE", tmp_path / "x.npy").returncode == 7
    assert export("npy", DTYPES, key, tmp_path / "x.npy").returncode == 0
    first = (tmp_path / "x.npy").read_bytes()
    res = export("npy", DTYPES, key, tmp_path / "x.npy", "--slice", "0")
    assert res.returncode == 7 and "--force" in res.stderr, res.describe()
    assert (tmp_path / "x.npy").read_bytes() == first
    assert export("npy", DTYPES, key, tmp_path / "x.npy", "--slice", "0", "--force").returncode == 0
    assert np.load(tmp_path / "x.npy").shape == (4,)
    # The input's own files are never an output, even with --force.
    before = Path(str(DTYPES) + ".index").read_bytes()
    assert export("npz", DTYPES, str(DTYPES) + ".index", "--force", "--skip-unsupported").returncode == 7
    assert Path(str(DTYPES) + ".index").read_bytes() == before


# An output that cannot be created is exit 7 ("the output was not written") for every format, never 3 (which
# says an input could not be read): /proc refuses new files with ENOENT, and an existing directory in the
# output's place makes the final rename fail with EISDIR.
@pytest.mark.parametrize("fmt", ["checkpoint", "npz", "safetensors", "npy", "csv"])
def test_an_output_that_cannot_be_created_exits_7(tmp_path, fmt):
    key = "dtypes/float32/matrix/.ATTRIBUTES/VARIABLE_VALUE"
    var = [key] if fmt in ("npy", "csv") else []
    skip = ["--skip-unsupported"] if fmt in ("npz", "safetensors") else []  # else dtypes alone would exit 7
    res = export(fmt, DTYPES, *var, "/proc/tensorscope-cannot-create", *skip, "--force")
    assert res.returncode == 7, res.describe()
    assert "NotFound" not in res.stderr, res.describe()
    in_the_way = tmp_path / ("out.index" if fmt == "checkpoint" else "out")
    in_the_way.mkdir()
    res = export(fmt, DTYPES, *var, tmp_path / "out", *skip, "--force")
    assert res.returncode == 7, res.describe()
    assert in_the_way.is_dir() and not any(in_the_way.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == [in_the_way.name], "a temporary file was left behind"


# ------------------------------------------------------------------------------------ smaller checkpoints ---

def _model():
    keras = tf.keras
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3)])
    return model


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained three Adam steps, saved as tf.train.Checkpoint(model, optimizer)."""
    directory = tmp_path_factory.mktemp("trained")
    tf.keras.utils.set_random_seed(7)
    model = _model()
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.01)
    rng = np.random.RandomState(3)
    x = rng.uniform(-1, 1, size=(16, 4)).astype(np.float32)
    y = rng.uniform(-1, 1, size=(16, 3)).astype(np.float32)
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    prefix = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(directory / "ckpt"))
    return prefix, model, x


def test_stripped_checkpoint_restores_into_the_model(tmp_path, trained):
    prefix, model, x = trained
    doc = export_json("checkpoint", prefix, tmp_path / "small", "--strip-optimizer")
    assert doc["left_out"]["tensors"] > 0 and doc["left_out"]["objects"] > 0
    # What is left is the model's weights (Keras 3 keys them under optimizer/_trainable_variables, which the
    # optimizer reaches first) and the save counter; slots and iterations are gone.
    small = tf.train.load_checkpoint(str(tmp_path / "small"))
    weights = [w.numpy() for w in model.weights]
    for k in set(small.get_variable_to_shape_map()) - {OBJECT_GRAPH}:
        assert "save_counter" in k or any(np.array_equal(small.get_tensor(k), w) for w in weights), k
    assert len(small.get_variable_to_shape_map()) == len(weights) + 2
    fresh = _model()
    status = tf.train.Checkpoint(model=fresh).restore(str(tmp_path / "small"))
    status.assert_existing_objects_matched()
    assert np.array_equal(fresh(x).numpy(), model(x).numpy())
    # The stripped file is smaller, and the source is untouched (TF still restores it with the optimizer).
    src = sum(os.path.getsize(p) for p in Path(prefix).parent.glob(Path(prefix).name + ".*"))
    out = sum(os.path.getsize(p) for p in tmp_path.glob("small.*"))
    assert out < src


def test_subset_checkpoint_restores_the_kept_layer(tmp_path, trained):
    prefix, model, x = trained
    reader = tf.train.load_checkpoint(prefix)
    # The first layer's kernel and bias, found by value (their keys differ between Keras 2 and 3).
    first = [model.layers[0].kernel.numpy(), model.layers[0].bias.numpy()]
    keys = [k for k in reader.get_variable_to_shape_map() if k != OBJECT_GRAPH
            and any(np.array_equal(reader.get_tensor(k), w) for w in first)]
    assert len(keys) == 2, keys
    args = []
    for k in keys:
        args += ["--keep", "^" + re.escape(k) + "$"]
    doc = export_json("checkpoint", prefix, tmp_path / "part", *args)
    kept = set(tf.train.load_checkpoint(str(tmp_path / "part")).get_variable_to_shape_map()) - {OBJECT_GRAPH}
    assert kept == set(keys)
    assert doc["left_out"]["tensors"] > 0
    fresh = _model()
    initial = [w.numpy() for w in fresh.layers[1].weights]
    tf.train.Checkpoint(model=fresh).restore(str(tmp_path / "part")).expect_partial()
    # The kept layer's variables come back exactly; the other layer keeps its fresh initial values.
    assert all(np.array_equal(a.numpy(), b) for a, b in zip(fresh.layers[0].weights, first))
    assert all(np.array_equal(a.numpy(), b) for a, b in zip(fresh.layers[1].weights, initial))


# ------------------------------------------------------------------------------------------------- safety ---

@pytest.fixture(scope="module")
def big_checkpoint(tmp_path_factory):
    directory = tmp_path_factory.mktemp("big")
    values = {"v%d" % i: tf.Variable(tf.random.stateless_uniform([16 * 1024 * 1024], seed=[i, 1]))
              for i in range(4)}  # 4 x 64 MiB
    return tf.train.Checkpoint(**values).write(str(directory / "ckpt"))


@pytest.mark.parametrize("fmt", ["safetensors", "npz"])
def test_sigkill_leaves_no_target_and_the_next_export_cleans_up(tmp_path, big_checkpoint, fmt):
    target = tmp_path / ("w." + fmt)
    H._require_cli()
    for _ in range(20):
        proc = subprocess.Popen([str(H.CLI_PATH), "export", fmt, big_checkpoint, str(target)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(".tmp-tensorscope-" in p.name for p in tmp_path.iterdir()):
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not target.exists():
            break
        target.unlink()  # finished before the kill: try again
    else:
        pytest.fail("the export always finished before SIGKILL")
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert leftovers and all(".tmp-tensorscope-" in n for n in leftovers), leftovers
    doc = export_json(fmt, big_checkpoint, target)
    assert doc["stale_temporaries_removed"] == len(leftovers)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    theirs = tf_values(big_checkpoint)["v0/.ATTRIBUTES/VARIABLE_VALUE"].tobytes()
    if fmt == "npz":
        with np.load(target) as z:
            assert z["v0/.ATTRIBUTES/VARIABLE_VALUE"].tobytes() == theirs
    else:
        assert bytes(dict(safetensors.deserialize(target.read_bytes()))["v0/.ATTRIBUTES/VARIABLE_VALUE"]["data"]) == theirs


@pytest.fixture
def small_tmpfs(tmp_path):
    mount = tmp_path / "full"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a 1 MiB tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)])


@pytest.mark.parametrize("fmt", ["npz", "safetensors", "checkpoint"])
def test_disk_full_leaves_nothing(small_tmpfs, big_checkpoint, fmt):
    out = small_tmpfs / ("w" if fmt == "checkpoint" else "w." + fmt)
    before = Path(big_checkpoint + ".index").read_bytes()
    res = export(fmt, big_checkpoint, out)
    assert res.returncode == 7, res.describe()
    assert list(small_tmpfs.iterdir()) == []
    assert Path(big_checkpoint + ".index").read_bytes() == before

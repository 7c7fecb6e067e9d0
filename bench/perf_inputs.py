#!/usr/bin/env python3
"""The inputs of bench/perf_driver.py, written with real TensorFlow (run with the tf215 venv's Python).

    perf_inputs.py --root DIR --size full|quick [--only NAME,...] [--gui-small]

Each input lives in DIR/<name>/ with a `manifest.json` (generator version, size parameters, paths, keys). An
input whose manifest matches GENERATOR_VERSION and the size parameters is reused; otherwise its directory is
removed and written again. Prints the manifests as one JSON object on the last line of stdout.

Inputs (full size; --size quick shrinks every one of them):
  many       tf.train.Checkpoint(model=root): 250 layers x 100 sublayers x {kernel [16,16], bias, gamma, beta}
             = 100,000 small float32 variables with an object graph (what a wide model writes)
  many20k    the same with 50 layers (20,000 variables), only with --gui-small (the GUI's second target)
  many_b     `many` again with every 50th float variable changed (raw SaveV2 of the values, same keys and object
             graph), only with --gui-small: the compare view's pair of 100,000-variable checkpoints (issue 11)
  f32        one 1 GiB float32 variable (model/embeddings, [1048576, 256]) = training step 0, plus the
             SavedModel TensorFlow writes of that same tf.Module (the template of `export savedmodel`)
  f32_step1  the same variable one real training step later (GradientTape + SGD): the diff pair is f32, f32_step1
  bf16       one 1 GiB bfloat16 variable ([2097152, 256])
  run        20 checkpoints (CheckpointManager, ckpt-1..ckpt-20) of a 10-layer Keras MLP of ~100 MB, one SGD
             step apart: issue 11's run target
  sm         a 12-layer Keras model saved with tf.saved_model.save and four signatures
"""
import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

GENERATOR_VERSION = 1

SIZES = {
    "full": {
        "many": {"layers": 250, "sublayers": 100},
        "many20k": {"layers": 50, "sublayers": 100},
        "f32": {"rows": 1048576, "cols": 256},
        "bf16": {"rows": 2097152, "cols": 256},
        "run": {"steps": 20, "layers": 10, "width": 1600, "batch": 32},
        "sm": {"layers": 12, "width": 1024, "inputs": 512},
    },
    "quick": {
        "many": {"layers": 10, "sublayers": 100},
        "many20k": {"layers": 2, "sublayers": 100},
        "f32": {"rows": 16384, "cols": 256},
        "bf16": {"rows": 32768, "cols": 256},
        "run": {"steps": 20, "layers": 10, "width": 160, "batch": 32},
        "sm": {"layers": 12, "width": 128, "inputs": 64},
    },
}
SIZES["full"]["f32_step1"] = SIZES["full"]["f32"]
SIZES["quick"]["f32_step1"] = SIZES["quick"]["f32"]
SIZES["full"]["many_b"] = SIZES["full"]["many"]
SIZES["quick"]["many_b"] = SIZES["quick"]["many"]


def tf_import():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    return tf


def embedding_module(tf, rows, cols, dtype):
    """A tf.Module with one big variable and a lookup function (so its SavedModel has a signature). The peer
    of `export savedmodel` builds the same module again (bench/perf_peers.py)."""

    class Embedding(tf.Module):
        def __init__(self):
            super().__init__()
            self.embeddings = tf.Variable(tf.zeros([rows, cols], dtype), name="embeddings")

        @tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
        def lookup(self, ids):
            return tf.gather(self.embeddings, ids)

    return Embedding()


def normal_values(tf, rows, cols, seed, dtype):
    """Deterministic normal values (mean 0.01, std 0.05), written in 64 Mi-element blocks to bound memory."""
    block = max(1, (64 << 20) // cols)
    parts = []
    for start in range(0, rows, block):
        n = min(block, rows - start)
        parts.append(tf.cast(tf.random.stateless_normal([n, cols], seed=[seed, start], mean=0.01, stddev=0.05), dtype))
    return tf.concat(parts, 0) if len(parts) > 1 else parts[0]


def write_many(tf, d, p):
    root = tf.Module()
    layers = []
    for _ in range(p["layers"]):
        layer = tf.Module()
        subs = []
        for _ in range(p["sublayers"]):
            s = tf.Module()
            s.kernel = tf.Variable(tf.zeros([16, 16]))
            s.bias = tf.Variable(tf.zeros([16]))
            s.gamma = tf.Variable(tf.ones([16]))
            s.beta = tf.Variable(tf.zeros([16]))
            subs.append(s)
        layer.sublayers = subs
        layers.append(layer)
    root.layers = layers
    prefix = tf.train.Checkpoint(model=root).write(str(d / "ckpt"))
    return {"prefix": prefix, "variables": p["layers"] * p["sublayers"] * 4,
            "index_bytes": os.path.getsize(prefix + ".index")}


def write_many_b(tf, d, p, many_prefix):
    """`many` with every 50th float variable moved by a small step: what two checkpoints of a wide model differ by."""
    import numpy as np
    reader = tf.train.load_checkpoint(many_prefix)
    names = sorted(reader.get_variable_to_dtype_map())
    values, changed = [], 0
    for i, name in enumerate(names):
        v = reader.get_tensor(name)
        if i % 50 == 0 and isinstance(v, np.ndarray) and v.dtype == np.float32 and v.size:
            v = v + np.float32(0.01) * (i % 7 + 1)
            changed += 1
        values.append(tf.constant(v))
    prefix = str(d / "ckpt")
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names), tensors=values)
    return {"prefix": prefix, "variables": p["layers"] * p["sublayers"] * 4, "changed": changed,
            "index_bytes": os.path.getsize(prefix + ".index")}


def write_f32(tf, d, p):
    """Step 0 of the training pair, and the SavedModel of the same module. Also writes f32_step1's checkpoint
    (the variable after one step), since the step needs the step-0 variable in memory."""
    m = embedding_module(tf, p["rows"], p["cols"], tf.float32)
    m.embeddings.assign(normal_values(tf, p["rows"], p["cols"], 1, tf.float32))
    prefix = tf.train.Checkpoint(model=m).write(str(d / "ckpt"))
    tf.saved_model.save(m, str(d / "saved_model"))
    key = "model/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
    return {"prefix": prefix, "key": key, "saved_model": str(d / "saved_model"), "dtype": "float32",
            "elements": p["rows"] * p["cols"], "bytes": p["rows"] * p["cols"] * 4}, m


def write_f32_step1(tf, d, p, m):
    """One training step: loss = 0.5 * sum((w - target)^2), plain SGD with learning rate 1e-3."""
    target = normal_values(tf, p["rows"], p["cols"], 2, tf.float32)
    with tf.GradientTape() as tape:
        loss = 0.5 * tf.reduce_sum(tf.square(m.embeddings - target))
    grad = tape.gradient(loss, m.embeddings)
    del target
    tf.keras.optimizers.SGD(learning_rate=1e-3).apply_gradients([(grad, m.embeddings)])
    prefix = tf.train.Checkpoint(model=m).write(str(d / "ckpt"))
    return {"prefix": prefix, "key": "model/embeddings/.ATTRIBUTES/VARIABLE_VALUE", "dtype": "float32",
            "elements": p["rows"] * p["cols"], "bytes": p["rows"] * p["cols"] * 4}


def write_bf16(tf, d, p):
    m = embedding_module(tf, p["rows"], p["cols"], tf.bfloat16)
    m.embeddings.assign(normal_values(tf, p["rows"], p["cols"], 3, tf.bfloat16))
    prefix = tf.train.Checkpoint(model=m).write(str(d / "ckpt"))
    return {"prefix": prefix, "key": "model/embeddings/.ATTRIBUTES/VARIABLE_VALUE", "dtype": "bfloat16",
            "elements": p["rows"] * p["cols"], "bytes": p["rows"] * p["cols"] * 2}


def mlp(tf, layers, width, inputs, name):
    model = tf.keras.Sequential([tf.keras.Input(shape=(inputs,))]
                                + [tf.keras.layers.Dense(width, activation="relu") for _ in range(layers - 1)]
                                + [tf.keras.layers.Dense(10)], name=name)
    return model


def write_run(tf, d, p):
    tf.keras.utils.set_random_seed(4)
    model = mlp(tf, p["layers"], p["width"], p["width"], "mlp")
    opt = tf.keras.optimizers.SGD(learning_rate=1e-3)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model, optimizer=opt), str(d), max_to_keep=None)
    x = tf.random.stateless_normal([p["batch"], p["width"]], seed=[5, 0])
    y = tf.random.stateless_normal([p["batch"], 10], seed=[6, 0])
    for _ in range(p["steps"]):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        manager.save()
    params = sum(int(v.shape.num_elements()) for v in model.variables)
    return {"directory": str(d), "steps": p["steps"], "prefixes": list(manager.checkpoints),
            "model_bytes": params * 4}


def write_sm(tf, d, p):
    tf.keras.utils.set_random_seed(7)
    model = mlp(tf, p["layers"], p["width"], p["inputs"], "classifier")
    spec = tf.TensorSpec([None, p["inputs"]], tf.float32, name="features")
    embed_at = model.layers[p["layers"] // 2]

    @tf.function(input_signature=[spec])
    def serve(features):
        return {"logits": model(features)}

    @tf.function(input_signature=[spec])
    def probabilities(features):
        return {"probabilities": tf.nn.softmax(model(features))}

    @tf.function(input_signature=[spec])
    def classify(features):
        logits = model(features)
        return {"classes": tf.argmax(logits, axis=-1), "scores": tf.reduce_max(tf.nn.softmax(logits), axis=-1)}

    hidden = tf.keras.Model(model.inputs, embed_at.output)

    @tf.function(input_signature=[spec])
    def embed(features):
        return {"embedding": hidden(features)}

    signatures = {"serving_default": serve, "probabilities": probabilities, "classify": classify, "embed": embed}
    tf.saved_model.save(model, str(d / "saved_model"), signatures=signatures)
    params = sum(int(v.shape.num_elements()) for v in model.variables)
    return {"saved_model": str(d / "saved_model"), "signatures": sorted(signatures), "layers": p["layers"],
            "model_bytes": params * 4}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--size", choices=sorted(SIZES), default="full")
    ap.add_argument("--only", default="", help="comma-separated input names (default: all but many20k)")
    ap.add_argument("--gui-small", action="store_true", help="also the 20,000-variable checkpoint")
    args = ap.parse_args()
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    names = [n for n in ("many", "f32", "f32_step1", "bf16", "run", "sm")]
    if args.gui_small:
        names += ["many20k", "many_b"]
    if args.only:
        wanted = set(args.only.split(","))
        if "f32_step1" in wanted:
            wanted.add("f32")  # the step needs step 0 in memory
        names = [n for n in names if n in wanted]
    sizes = SIZES[args.size]
    manifests, todo = {}, []
    for name in names:
        mf = root / name / "manifest.json"
        want = {"generator_version": GENERATOR_VERSION, "params": sizes[name]}
        if mf.exists():
            m = json.loads(mf.read_text())
            if all(m.get(k) == v for k, v in want.items()):
                manifests[name] = m
                continue
        todo.append(name)
    if "many" in todo and "many_b" in names and "many_b" not in todo:
        todo.append("many_b")  # the compare pair is `many` and a changed copy of it
    if "f32_step1" in todo and "f32" not in todo:
        todo.insert(todo.index("f32_step1"), "f32")  # rewrite both so the pair is one step apart
    if todo:
        tf = tf_import()
        f32_module = None
        for name in todo:
            d = root / name
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
            p = sizes[name]
            print(f"writing {name} {p} ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            if name in ("many", "many20k"):
                info = write_many(tf, d, p)
            elif name == "many_b":
                info = write_many_b(tf, d, p, (manifests.get("many") or {}).get("prefix") or str(root / "many" / "ckpt"))
            elif name == "f32":
                info, f32_module = write_f32(tf, d, p)
            elif name == "f32_step1":
                info = write_f32_step1(tf, d, p, f32_module)
            elif name == "bf16":
                info = write_bf16(tf, d, p)
            elif name == "run":
                info = write_run(tf, d, p)
            else:
                info = write_sm(tf, d, p)
            seconds = time.perf_counter() - t0
            m = {"generator_version": GENERATOR_VERSION, "params": p, "tensorflow": tf.__version__,
                 "write_seconds": seconds, **info}
            (d / "manifest.json").write_text(json.dumps(m, indent=1) + "\n")
            manifests[name] = m
            print(f"  {name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    print(json.dumps(manifests))


if __name__ == "__main__":
    main()

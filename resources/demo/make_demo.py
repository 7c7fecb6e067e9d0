#!/usr/bin/env python3
"""Writes the bundled demo with real TensorFlow (run with the tf215 venv from scripts/setup-tf-envs.sh):

  training_run/   a tf.train.Checkpoint(model, optimizer=Adam) + CheckpointManager run: ckpt-1 .. ckpt-4
  saved_model/    the same model after training, saved with model.save() (SavedModel, serving_default)

A small image classifier (conv + dense, ~5k parameters) trained for a few steps on synthetic data, so
histograms, optimizer slots, a 4-D kernel for the slice selector and signatures are all there.
usage: make_demo.py [OUT_DIR]   (default: this directory)
"""
import os
import pathlib
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYTHONHASHSEED", "0")
import numpy as np
import tensorflow as tf

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent)
tf.keras.utils.set_random_seed(7)
tf.config.experimental.enable_op_determinism()

inputs = tf.keras.Input(shape=(12, 12, 1), name="image")
x = tf.keras.layers.Conv2D(8, 3, activation="relu", name="conv")(inputs)
x = tf.keras.layers.MaxPooling2D(name="pool")(x)
x = tf.keras.layers.Flatten(name="flatten")(x)
x = tf.keras.layers.Dense(24, activation="relu", name="hidden")(x)
outputs = tf.keras.layers.Dense(3, activation="softmax", name="classes")(x)
model = tf.keras.Model(inputs, outputs, name="demo_classifier")
optimizer = tf.keras.optimizers.legacy.Adam(learning_rate=0.01)  # slot variables m/v per weight

rng = np.random.default_rng(7)
images = rng.normal(size=(96, 12, 12, 1)).astype("float32")
labels = rng.integers(0, 3, size=(96,))

run_dir = out / "training_run"
sm_dir = out / "saved_model"
for d in (run_dir, sm_dir):
    shutil.rmtree(d, ignore_errors=True)
ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer, step=tf.Variable(0, dtype=tf.int64))
manager = tf.train.CheckpointManager(ckpt, str(run_dir), max_to_keep=4)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()
for epoch in range(4):
    for start in range(0, len(images), 32):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels[start:start + 32], model(images[start:start + 32], training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        ckpt.step.assign_add(1)
    manager.save(checkpoint_number=epoch + 1)
    print(f"epoch {epoch + 1}: loss {float(loss):.4f}")
model.compile(optimizer=optimizer, loss=loss_fn)
model.save(str(sm_dir))
print(f"demo written to {out} with TensorFlow {tf.__version__}")

"""A small training loop for test_run_live.py: writes checkpoints with tf.train.CheckpointManager
(max_to_keep=3) into a directory while the run view watches it, and says what it did as JSON lines on stdout
(`ms`: Unix milliseconds, the clock the GUI's --report-steps lines use).

Before one chosen step it leaves a half-written checkpoint in the directory for a while: the step's data file
without its `.index`, the state TensorFlow itself passes through (it writes the data first and the index
last). The run view must not list or open that step until TensorFlow has finished writing it.

Usage: python live_run_writer.py DIR --steps 6 --interval 1.0 --half-written 4 --half-seconds 3
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time


def say(event, **fields):
    print(json.dumps(dict(event=event, ms=time.time() * 1000.0, **fields)), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--half-written", type=int, default=4)
    parser.add_argument("--half-seconds", type=float, default=3.0)
    args = parser.parse_args()

    import tensorflow as tf  # imported late: the GUI is already watching while this loads

    kernel = tf.Variable(tf.reshape(tf.range(24, dtype=tf.float32), [4, 6]) / 10.0, name="kernel")
    bias = tf.Variable(tf.zeros([6]), name="bias")
    checkpoint = tf.train.Checkpoint(kernel=kernel, bias=bias)
    manager = tf.train.CheckpointManager(checkpoint, args.directory, max_to_keep=3)
    say("ready")
    for step in range(1, args.steps + 1):
        # One "training step": a deterministic update that shrinks with the step.
        kernel.assign_add(tf.fill([4, 6], 1.0 / step))
        bias.assign_sub(tf.fill([6], 0.5 / step))
        if step == args.half_written:
            # The data file alone, as a save in progress leaves it (written elsewhere, moved in).
            staging = tempfile.mkdtemp()
            try:
                written = checkpoint.write(os.path.join(staging, "ckpt-%d" % step))
                data = [f for f in os.listdir(staging) if ".data-" in f]
                for f in data:
                    shutil.copyfile(os.path.join(staging, f), os.path.join(args.directory, f))
                say("half_written", step=step, files=sorted(data), staged=os.path.basename(written))
            finally:
                shutil.rmtree(staging)
            time.sleep(args.half_seconds)
        say("save_started", step=step)
        prefix = manager.save(checkpoint_number=step)
        say("saved", step=step, prefix=prefix, kept=list(manager.checkpoints))
        time.sleep(args.interval)
    say("done")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The peer of bench_diff: the numpy script a person would write over tf.train.load_checkpoint, on the
same two checkpoints (the manifest bench_diff keeps under TSCOPE_BENCH_DIR/diff1g). Prints seconds per diff
(min of N runs) and, with --ours SECONDS (bench_diff's min time per iteration), the ratio.

usage: TSCOPE_BENCH_DIR=/tmp/tscope-bench python peer_diff.py [--sub diff1g] [--runs 3] [--ours 0.4]
"""
import argparse
import os
import time

import numpy as np


def diff_metrics(a, b):
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    d = b64 - a64
    ad = np.abs(d)
    na, nb = np.sqrt(np.sum(a64 * a64)), np.sqrt(np.sum(b64 * b64))
    return {"max_abs_diff": float(ad.max()), "mean_abs_diff": float(ad.mean()), "rms_diff": float(np.sqrt(np.mean(d * d))),
            "rel_change": float(np.sqrt(np.sum(d * d)) / na), "cosine": float(np.sum(a64 * b64) / (na * nb)),
            "frac_changed": float(np.mean(a.view(np.uint32) != b.view(np.uint32)))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sub", default="diff1g")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ours", type=float, default=None)
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    root = os.path.join(os.environ["TSCOPE_BENCH_DIR"], args.sub)
    manifest = dict(line.rstrip("\n").split(" = ", 1) for line in open(os.path.join(root, "manifest.txt")))
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        a = tf.train.load_checkpoint(manifest["a"]).get_tensor(manifest["key"])
        b = tf.train.load_checkpoint(manifest["b"]).get_tensor(manifest["key"])
        m = diff_metrics(a, b)
        times.append(time.perf_counter() - t0)
        del a, b
    best = min(times)
    print("peer numpy over tf.train.load_checkpoint: min %.3f s over %d runs %s" % (best, args.runs, m))
    if args.ours:
        print("ratio peer/ours: %.1fx" % (best / args.ours))


if __name__ == "__main__":
    main()

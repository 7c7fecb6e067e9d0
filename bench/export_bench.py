#!/usr/bin/env python3
"""Export throughput: a checkpoint of float32 variables (1 GiB by default) to .npz, .safetensors and a SavedModel
(with a template: the same tf.Module saved by TensorFlow) with `tensorscope-cli export`, side by side with
numpy.savez, safetensors.numpy.save_file and tf.saved_model.save of the same arrays / module (the peers get the
arrays already in memory; we read them from the mapped checkpoint). Everything from the page
cache to the page cache: each output is written once untimed first, then timed. Reports GB/s, CPU time
(user + system of the CLI process, which a shared machine distorts far less than wall time) and our/peer ratio.
Like the peers, our exports do not fsync by default; `--sync` (passed on with --cli-args) does.

    ~/.cache/tensorscope/venvs/tfcur/bin/python bench/export_bench.py [--gib 1] [--cli build/app/tensorscope-cli]
        [--cli-before OLD_CLI]   (a second build, e.g. of main, timed interleaved with --cli in the same run)
        [--cli-args "--sync"] [--out-dir DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np


def best_of(n, fn):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gib", type=float, default=1.0)
    ap.add_argument("--cli", default=str(Path(__file__).resolve().parents[1] / "build" / "app" / "tensorscope-cli"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out-dir", default=None, help="where the outputs go (default: next to the checkpoint)")
    ap.add_argument("--cli-before", default=None, help="another tensorscope-cli to time alongside, round by round")
    ap.add_argument("--cli-args", default="", help="extra arguments for every export, e.g. --sync")
    args = ap.parse_args()
    import tensorflow as tf
    from safetensors.numpy import save_file

    total = int(args.gib * (1 << 30))
    per = 64 << 20  # 64 MiB variables
    count = max(1, total // per)
    arrays = {"v%03d" % i: np.random.RandomState(i).standard_normal(per // 4).astype(np.float32) for i in range(count)}
    nbytes = sum(a.nbytes for a in arrays.values())
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as d:
        d = Path(d)
        module = tf.Module()
        for k, v in arrays.items():
            setattr(module, k, tf.Variable(v))
        prefix = tf.train.Checkpoint(**{k: getattr(module, k) for k in arrays}).write(str(d / "ckpt"))
        template = str(d / "template")
        tf.saved_model.save(module, template)
        o = Path(args.out_dir) if args.out_dir else d
        results = []
        peaks = []
        clis = [("after" if args.cli_before else "ours", args.cli)]
        if args.cli_before:
            clis.insert(0, ("before", args.cli_before))
        def remove(path):
            shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)

        for fmt, peer_name, peer in (
                ("npz", "numpy.savez", lambda out: np.savez(out, **arrays)),
                ("safetensors", "safetensors.numpy.save_file", lambda out: save_file(arrays, out)),
                ("savedmodel", "tf.saved_model.save", lambda out: tf.saved_model.save(module, out))):
            out = o / ("ours." + fmt)
            extra = ["--template", template] if fmt == "savedmodel" else []

            def run(cli, cpu):
                # /usr/bin/time reports the CLI's own peak RSS and CPU time (a fork of this big process would
                # inflate the RSS).
                r = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", cli, "export", fmt, prefix, str(out),
                                    "--force"] + extra + args.cli_args.split(),
                                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                rss, user, system = r.stderr.strip().splitlines()[-1].split()
                peaks.append(int(rss) * 1024)
                cpu.append(float(user) + float(system))
            timings = {label: ([], []) for label, _ in clis}  # wall, cpu
            for label, cli in clis:
                run(cli, [])
            for _ in range(args.repeat):  # interleaved, so both builds see the same load
                for label, cli in clis:
                    t = time.perf_counter()
                    run(cli, timings[label][1])
                    timings[label][0].append(time.perf_counter() - t)
            remove(out)
            peer_out = str(o / ("peer." + fmt))
            peer(peer_out)
            theirs = best_of(args.repeat, lambda: peer(peer_out))
            results.append((fmt, {label: (min(w), min(c)) for label, (w, c) in timings.items()}, peer_name, theirs))
            remove(peer_out)
    peak = max(peaks)
    print("checkpoint: %d float32 variables, %.2f GiB" % (count, nbytes / (1 << 30)))
    print("tensorscope-cli peak RSS (mapped input pages included): %.0f MiB" % (peak / (1 << 20)))
    print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())
    for fmt, ours, peer_name, theirs in results:
        for label, (wall, cpu) in ours.items():
            print("%-12s %-6s tensorscope-cli %.3f s (%.2f GB/s), CPU %.2f s   %s %.3f s (%.2f GB/s)   "
                  "ratio ours/peer time %.2f" % (fmt, label, wall, nbytes / wall / 1e9, cpu, peer_name, theirs,
                                                 nbytes / theirs / 1e9, wall / theirs))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The peers of bench/perf_driver.py: what a person would otherwise run, one program per task. The driver times
each as a whole process (`python perf_peers.py TASK ARGS...`, import of TensorFlow included, as a user's script
pays it) and reads the JSON printed on the last line of stdout: the in-process phase times and the values
computed (so a peer that silently did nothing would show).

    list PREFIX                  tf.train.list_variables
    list_inprocess PREFIX N      import once, then N+1 calls of tf.train.list_variables (the first one untimed)
    stats PREFIX KEY [BINS]      load_checkpoint().get_tensor + numpy min/max/mean/std + np.histogram (BINS, 64);
                                 bfloat16 is converted to float32 first (numpy has no bfloat16 arithmetic)
    diff PREFIX_A PREFIX_B       get_tensor of every variable of both + bench/peer_diff.py's float64 metrics
    run DIR                      per-step L2 norm, mean, std, max |w| and relative change of every model
                                 variable over every checkpoint of a CheckpointManager directory
    export_npz PREFIX OUT        get_tensor of every variable + numpy.savez
    export_safetensors PREFIX OUT   get_tensor of every variable + safetensors.numpy.save_file
    export_savedmodel PREFIX OUT ROWS COLS   rebuild the module, restore the checkpoint, tf.saved_model.save
"""
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

T0 = time.perf_counter()


def tf_import():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    return tf


def variable_keys(reader):
    return sorted(k for k in reader.get_variable_to_shape_map() if k != "_CHECKPOINTABLE_OBJECT_GRAPH")


def emit(**fields):
    fields["process_seconds_inside"] = time.perf_counter() - T0
    print(json.dumps(fields))


def task_list(prefix):
    tf = tf_import()
    t = time.perf_counter()
    names = tf.train.list_variables(prefix)
    emit(variables=len(names), list_seconds=time.perf_counter() - t)


def task_list_inprocess(prefix, n):
    tf = tf_import()
    tf.train.list_variables(prefix)  # warm-up
    seconds = []
    for _ in range(int(n)):
        t = time.perf_counter()
        names = tf.train.list_variables(prefix)
        seconds.append(time.perf_counter() - t)
    emit(variables=len(names), seconds=seconds)


def task_stats(prefix, key, bins="64"):
    tf = tf_import()
    import numpy as np
    t = time.perf_counter()
    a = tf.train.load_checkpoint(prefix).get_tensor(key)
    t_read = time.perf_counter() - t
    if a.dtype.name == "bfloat16":
        a = a.astype(np.float32)
    t = time.perf_counter()
    lo, hi, mean, std = float(a.min()), float(a.max()), float(a.mean()), float(a.std())
    t_stats = time.perf_counter() - t
    t = time.perf_counter()
    counts, _ = np.histogram(a, bins=int(bins), range=(lo, hi))
    t_hist = time.perf_counter() - t
    emit(elements=int(a.size), min=lo, max=hi, mean=mean, std=std, histogram_total=int(counts.sum()),
         read_seconds=t_read, stats_seconds=t_stats, histogram_seconds=t_hist)


def task_diff(prefix_a, prefix_b):
    tf = tf_import()
    from peer_diff import diff_metrics
    ra, rb = tf.train.load_checkpoint(prefix_a), tf.train.load_checkpoint(prefix_b)
    metrics = {}
    for key in variable_keys(ra):
        metrics[key] = diff_metrics(ra.get_tensor(key), rb.get_tensor(key))
    emit(variables=len(metrics), metrics=metrics)


def task_run(directory):
    tf = tf_import()
    import numpy as np
    prefixes = list(tf.train.get_checkpoint_state(directory).all_model_checkpoint_paths)
    series, previous = {}, {}
    for prefix in prefixes:
        reader = tf.train.load_checkpoint(prefix)
        for key in variable_keys(reader):
            if not key.startswith("model/") or "OPTIMIZER_SLOT" in key:
                continue
            w = reader.get_tensor(key).astype(np.float64)
            norm = float(np.linalg.norm(w))
            point = {"l2_norm": norm, "mean": float(w.mean()), "std": float(w.std()),
                     "max_abs": float(np.abs(w).max()), "rel_change": None}
            if key in previous:
                prev, prev_norm = previous[key]
                point["rel_change"] = float(np.linalg.norm(w - prev) / prev_norm) if prev_norm else None
            previous[key] = (w, norm)
            series.setdefault(key, []).append(point)
    emit(steps=len(prefixes), variables=len(series),
         last_rel_change={k: v[-1]["rel_change"] for k, v in list(series.items())[:3]})


def read_all(prefix):
    tf = tf_import()
    reader = tf.train.load_checkpoint(prefix)
    return {k: reader.get_tensor(k) for k in variable_keys(reader)}


def task_export_npz(prefix, out):
    import numpy as np
    t = time.perf_counter()
    arrays = read_all(prefix)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    np.savez(out, **arrays)
    emit(tensors=len(arrays), read_seconds=t_read, write_seconds=time.perf_counter() - t,
         bytes=sum(a.nbytes for a in arrays.values()))


def task_export_safetensors(prefix, out):
    from safetensors.numpy import save_file
    t = time.perf_counter()
    arrays = read_all(prefix)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    save_file(arrays, out)
    emit(tensors=len(arrays), read_seconds=t_read, write_seconds=time.perf_counter() - t,
         bytes=sum(a.nbytes for a in arrays.values()))


def task_export_savedmodel(prefix, out, rows, cols):
    tf = tf_import()
    from perf_inputs import embedding_module
    t = time.perf_counter()
    m = embedding_module(tf, int(rows), int(cols), tf.float32)
    tf.train.Checkpoint(model=m).read(prefix).assert_existing_objects_matched()
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    tf.saved_model.save(m, out)
    emit(read_seconds=t_read, write_seconds=time.perf_counter() - t)


TASKS = {name[len("task_"):]: fn for name, fn in globals().items() if name.startswith("task_")}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(__doc__)
    TASKS[sys.argv[1]](*sys.argv[2:])

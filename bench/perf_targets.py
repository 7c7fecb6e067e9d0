"""The performance targets of issues 15, 11 and 12, evaluated on a bench/perf_driver.py result document.

Every row: which issue, the target in words, the measured value, the peer's value, the speed-up (peer / ours),
the threshold, met (True / False / None when this run could not measure it) and a note on what exactly was
measured. Throughputs are computed from whole-process wall times (process start, opening and exit included),
so they understate the kernels; the Google Benchmark programs in bench/ measure those alone.
"""
import json

MB = 1e6
GB = 1e9


def _cmd(doc, group, cid):
    g = doc["groups"].get(group) or {}
    return (g.get("commands") or {}).get(cid)


def _wall(c):
    return c["wall_s"]["median"] if c else None


def _load(doc, group):
    g = doc["groups"].get(group) or {}
    if "load_before" not in g:
        return None
    return [round(g["load_before"][0], 2), round(g["load_after"][0], 2)]


def _size(n):
    """1073741824 -> '1 GiB', 16777216 -> '16 MiB' (quick mode has small inputs; the text says which)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def evaluate(doc):
    rows = []
    inputs = doc["inputs"]

    def row(issue, group, target, measured, unit, threshold, met, cid=None, peer_cid=None, peer=None,
            speedup=None, note=""):
        ours_c = _cmd(doc, group, cid) if cid else None
        peer_c = _cmd(doc, group, peer_cid) if peer_cid else None
        if peer is None and peer_c:
            peer = _wall(peer_c)
        if speedup is None and peer and ours_c and _wall(ours_c):
            speedup = peer / _wall(ours_c)
        cpu_speedup = peer_c["cpu_s"]["median"] / ours_c["cpu_s"]["median"] if peer_c and ours_c and \
            ours_c["cpu_s"]["median"] else None
        rows.append({
            "issue": issue, "group": group, "target": target, "measured": measured, "unit": unit,
            "threshold": threshold, "met": met, "peer_s": peer, "peer": peer_c["label"] if peer_c else None,
            "speedup": speedup, "cpu_speedup": cpu_speedup, "note": note, "load_average": _load(doc, group),
            "ours_spread_s": [ours_c["wall_s"]["min"], ours_c["wall_s"]["max"]] if ours_c else None,
            "peer_spread_s": [peer_c["wall_s"]["min"], peer_c["wall_s"]["max"]] if peer_c else None,
            "ours_peak_rss_mb": ours_c["peak_rss_bytes"]["max"] / MB if ours_c else None,
            "peer_peak_rss_mb": peer_c["peak_rss_bytes"]["max"] / MB if peer_c else None,
            "command": ours_c["command"] if ours_c else None,
            "peer_command": peer_c["command"] if peer_c else None,
        })

    def check(value, ok):
        return None if value is None else bool(ok(value))

    # ---- listing 100,000 variables
    n_many = (inputs.get("many") or {}).get("variables")
    info, ls, tfl = (_cmd(doc, "list", c) for c in ("info", "ls_json", "tf_list"))
    inproc = (doc["groups"].get("list") or {}).get("inprocess")
    t = _wall(info)
    row(15, "list", f"`info` on {n_many:,} variables as a whole process < 60 ms" if n_many else "`info` < 60 ms",
        t and t * 1e3, "ms", 60, check(t, lambda v: v < 0.060), "info", "tf_list")
    sp = _wall(tfl) / t if t and tfl else None
    row(15, "list", "`info` >= 35x TensorFlow's process (`tf.train.list_variables`)", sp, "x", 35,
        check(sp, lambda v: v >= 35), "info", "tf_list")
    inproc_s = sorted(inproc["seconds"])[len(inproc["seconds"]) // 2] if inproc else None
    sp = inproc_s / t if t and inproc_s else None
    row(15, "list", "`info` >= 8x TensorFlow's in-process call (after import)", sp, "x", 8,
        check(sp, lambda v: v >= 8), "info", peer=inproc_s, speedup=sp,
        note="peer: median of `tf.train.list_variables` calls in one process, TensorFlow already imported")
    t = _wall(ls)
    per_var = ls["output_bytes"] / n_many if ls and n_many else None
    row(15, "list", "`ls --json` < 150 ms", t and t * 1e3, "ms", 150, check(t, lambda v: v < 0.150), "ls_json",
        "tf_list", note=f"{ls['output_bytes'] / MB:.1f} MB of JSON, {per_var:.0f} bytes per variable"
        if per_var else "")
    index = (inputs.get("many") or {}).get("index_bytes")
    extra = info["peak_rss_bytes"]["max"] - index if info and index else None
    row(15, "list", "memory after opening < 40 MB beyond the mapped index", extra and extra / MB, "MB", 40,
        check(extra, lambda v: v < 40 * MB), "info",
        note="peak RSS of the whole `info` process minus the .index size (binary and libraries included)")
    oa = (doc["groups"].get("list") or {}).get("openartifact")
    oa_ms = oa["median_ms"] if oa else None
    row(15, "list", "`openArtifact` of 100,000 variables (tree included) < 40 ms", oa_ms, "ms", 40,
        check(oa_ms, lambda v: v < 40),
        note=(f"in-process, bench_index_open BM_OpenArtifact/graph ({oa['entries']:,.0f} entries, object graph "
              f"of 125,253 nodes): median {oa['median_ms']:.1f} ms, min {oa['min_ms']:.1f} ms; the opened "
              f"artifact holds {oa['held_mb']:.1f} MB") if oa else
        "in-process: build/bench/bench_index_open (BM_OpenArtifact) was not built")

    # ---- GUI
    gui = doc["groups"].get("gui") or {}
    for cid, limit, n in (("gui_100k", 0.5, "100,000"), ("gui_20k", 0.3, "20,000")):
        c = _cmd(doc, "gui", cid)
        row(15, "gui", f"GUI start to first paint of the tree, {n} variables < {limit} s", _wall(c), "s", limit,
            check(_wall(c), lambda v, lim=limit: v < lim), cid if c else None,
            note=gui.get("skipped") or "whole process with the timing flag (it exits after the first paint)")

    c = _cmd(doc, "gui", "gui_compare_100k")
    row(11, "gui", "compare view of two 100,000-variable checkpoints: start to first paint < 1 s", _wall(c), "s", 1,
        check(_wall(c), lambda v: v < 1), "gui_compare_100k" if c else None,
        note=gui.get("skipped") or "whole process `tensorscope --startup-timing --compare A B` (exits after the "
        "first paint of the aligned tree); the event-loop stalls are bench/compare_stall's (bench/README.md)")

    # ---- statistics and verify, with the inputs cached by read() and again in 2 MiB folios (perf_driver's
    # warm_files says how each state comes about and what it changes)
    f32, bf16 = inputs.get("f32") or {}, inputs.get("bf16") or {}
    states = {"stats": "", "stats_hp": "; cache in 2 MiB folios", "verify": "", "verify_hp": "; cache in 2 MiB folios"}

    def cache_note(group):
        g = doc["groups"].get(group) or {}
        how = g.get("page_cache")
        huge = g.get("file_huge_pages_kb")
        if how == "huge":
            text = ("inputs evicted, then read back through a mapping with MADV_HUGEPAGE, as Tensorscope's first "
                    "open does: 2 MiB page-cache folios")
            if huge:
                text += f" (the kernel's count went from {huge[0] / 1024:.0f} to {huge[1] / 1024:.0f} MiB)"
            return text + ". "
        if how == "small":
            return ("inputs evicted, then read back with readahead off: 4 KiB page-cache folios, which map like the "
                    "cache TensorFlow's writer leaves. ")
        return ""

    for group in ("stats", "stats_hp"):
        sf, sb = _cmd(doc, group, "stats_f32"), _cmd(doc, group, "stats_bf16")
        tag = states[group]
        rate = f32.get("bytes", 0) / _wall(sf) if sf else None
        row(15, group, f"statistics and a histogram of {_size(f32.get('bytes', 0))} float32, CRC check included, "
            f">= 4 GB/s{tag}", rate and rate / GB, "GB/s", 4,
            check(rate, lambda v: v >= 4 * GB), "stats_f32", "np_stats_f32",
            note=cache_note(group) + "`stats --histogram 64` as a whole process: statistics with the CRC check, "
                 "then a 64-bin histogram over [min, max] (a second pass over the same read), the peer's "
                 "np.histogram bins")
        sp = _wall(_cmd(doc, group, "np_stats_f32")) / _wall(sf) if sf else None
        row(15, group, f">= 40x TensorFlow + numpy as processes (float32){tag}", sp, "x", 40,
            check(sp, lambda v: v >= 40), "stats_f32", "np_stats_f32")
        ef = f32.get("elements", 0) / _wall(sf) if sf else None
        eb = bf16.get("elements", 0) / _wall(sb) if sb else None
        ratio = eb / ef if ef and eb else None
        row(15, group, f"bfloat16 at least as many elements per second as float32{tag}", ratio, "x float32's", 1,
            check(ratio, lambda v: v >= 1), "stats_bf16", "np_stats_bf16",
            note=(f"bfloat16 {eb / 1e9:.2f} G elements/s, float32 {ef / 1e9:.2f} G elements/s; float16 is not "
                  "measured by this driver") if ratio else "")

    # ---- verify vs memory bandwidth (measured once, in the verify group)
    bw = (doc["groups"].get("verify") or {}).get("membw")
    one = None
    if bw:
        for r in bw["results"]:
            secs = sorted(r["seconds"])
            r["gbps_median"] = bw["bytes"] / secs[len(secs) // 2] / GB
            if r["threads"] == 1:
                one = r["gbps_median"]
    for group in ("verify", "verify_hp"):
        v = _cmd(doc, group, "verify")
        checked = None
        if v and v.get("stdout_tail"):
            try:
                checked = json.loads(v["stdout_tail"]).get("bytes_checked")
            except ValueError:
                checked = None
        checked = checked or f32.get("bytes")
        vr = checked / _wall(v) / GB if v else None
        frac = vr / one if vr and one else None
        row(15, group, f"`verify` >= 70% of one core's memory read bandwidth{states[group]}", frac and frac * 100,
            "%", 70, check(frac, lambda x: x >= 0.7), "verify",
            note=cache_note(group) + (f"verify {vr:.2f} GB/s (whole process, {checked / GB:.2f} GB checked); membw "
                  + ", ".join(f"{r['threads']} thread(s) {r['gbps_median']:.2f} GB/s" for r in bw["results"]))
            if frac else "")

    # ---- diff
    d = _cmd(doc, "diff", "diff")
    s1 = inputs.get("f32_step1") or {}
    both = f32.get("bytes", 0) + s1.get("bytes", 0)
    rate = both / _wall(d) if d else None
    row(15, "diff", f"diff of two {_size(f32.get('bytes', 0))} float32 checkpoints >= 5 GB/s of input", rate and rate / GB, "GB/s", 5,
        check(rate, lambda x: x >= 5 * GB), "diff", "np_diff", note="`diff --json` as a whole process")
    sp = _wall(_cmd(doc, "diff", "np_diff")) / _wall(d) if d else None
    row(11, "diff", "diff >= 10x a numpy script over `tf.train.load_checkpoint`", sp, "x", 10,
        check(sp, lambda x: x >= 10), "diff", "np_diff")
    # Peak RSS counts mapped pages that were touched; diff now reads with pread, so its RSS is its own memory.
    peak = d["peak_rss_bytes"]["max"] if d else None
    extra = max(peak - both, 0) if peak and peak > both else peak
    row(11, "diff", "diff peak memory < 200 MB beyond the mapped files", extra and extra / MB, "MB", 200,
        check(extra, lambda x: x < 200 * MB), "diff",
        note="peak RSS, minus the two tensors' bytes when it holds them (mapped pages count in RSS, pread buffers do not)")

    # ---- signatures
    sg = _cmd(doc, "signatures", "signatures")
    sp = _wall(_cmd(doc, "signatures", "saved_model_cli")) / _wall(sg) if sg else None
    row(15, "signatures", f"signatures of a {(inputs.get('sm') or {}).get('layers', 12)}-layer Keras SavedModel "
        f"with {len((inputs.get('sm') or {}).get('signatures', []))} signatures (speed-up reported)",
        _wall(sg) and _wall(sg) * 1e3, "ms", None, None, "signatures", "saved_model_cli")

    # ---- run series
    r = _cmd(doc, "run", "run")
    run_in = inputs.get("run") or {}
    row(11, "run", f"`run --json` over {run_in.get('steps', 20)} checkpoints of a "
        f"{run_in.get('model_bytes', 0) / MB:.0f} MB model < 1 s", _wall(r), "s", 1,
        check(_wall(r), lambda x: x < 1), "run", "np_run")

    # ---- export
    for cid, peer_cid, what in (("export_npz", "np_savez", ".npz"), ("export_safetensors", "st_save_file",
                                                                       ".safetensors"),
                                ("export_savedmodel", "tf_saved_model_save", "SavedModel")):
        c = _cmd(doc, "export", cid)
        rate = f32.get("bytes", 0) / _wall(c) if c else None
        row(12, "export", f"export {_size(f32.get('bytes', 0))} to {what} >= 1 GB/s", rate and rate / GB, "GB/s", 1,
            check(rate, lambda x: x >= GB), cid, peer_cid,
            note=f"outputs in {doc.get('export_dir')}; neither side fsyncs (ours only with --sync)")
    peaks = [_cmd(doc, "export", c) for c in ("export_npz", "export_safetensors", "export_savedmodel")]
    peaks = [c["peak_rss_bytes"]["max"] for c in peaks if c]
    extra = max(peaks) - f32.get("bytes", 0) if peaks else None
    row(12, "export", "export peak memory < 200 MB beyond the mapped input", extra and extra / MB, "MB", 200,
        check(extra, lambda x: x < 200 * MB), "export_npz",
        note="the largest peak RSS of the three exports minus the input tensor's bytes")
    return rows

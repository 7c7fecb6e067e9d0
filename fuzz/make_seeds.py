#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses from the shared corpus and the committed fixtures.

usage: make_seeds.py OUT_DIR [--cli path/to/tensorscope-cli]
Writes OUT_DIR/<harness>/<n> files in each harness's input format (see fuzz/fuzz_*.cpp).
"""
import base64, json, os, pathlib, struct, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
cli = sys.argv[sys.argv.index("--cli") + 1] if "--cli" in sys.argv else None
sources = [root.parent / "shared" / "corpus", root / "tests" / "fixtures"]
MAX = 1 << 20

def put(harness, name, data):
    d = out / harness
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)

n = 0
for src in sources:
    for p in sorted(src.rglob("*")):
        if not p.is_file() or p.stat().st_size > MAX:
            continue
        n += 1
        data = p.read_bytes()
        tag = f"{n:05d}"
        if p.suffix == ".index":
            put("table", tag, data)
            shard = p.with_name(p.name[:-6] + ".data-00000-of-00001")
            if shard.exists() and shard.stat().st_size <= MAX:
                put("bundle", tag, struct.pack("<I", len(data)) + data + shard.read_bytes())
            if cli:
                r = subprocess.run([cli, "show", str(p), "_CHECKPOINTABLE_OBJECT_GRAPH", "--json"], capture_output=True, text=True)
                if r.returncode == 0:
                    put("object_graph", tag, base64.b64decode(json.loads(r.stdout)["strings_base64"][0]))
        elif p.name == "saved_model.pb":
            put("saved_model", tag, b"\x00" + data)
        elif p.name == "saved_model.pbtxt":
            put("saved_model", tag, b"\x01" + data)
        elif p.name == "checkpoint":
            put("checkpoint_state", tag, data)
            put("locator", tag, b"\x03\x00" + data)
# The locator harness takes a 2-byte mask of which typical files exist, then their contents.
for i, mask in enumerate([0x0001, 0x0006, 0x0008, 0x0060, 0x00C0, 0x0200, 0x1000, 0x2401]):
    put("locator", f"synthetic{i}", struct.pack("<H", mask) + b"\x00\x00\x06\x08\x01\x1a\x02\x08\x01" * 4)
print(f"seeds written to {out}")

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

# Hostile shapes (issue 14): deep object-graph chains and a rank far above TensorFlow's 254, encoded by
# hand so that no TensorFlow is needed.
def varint(v):
    b = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        b.append(c | (0x80 if v else 0))
        if not v:
            return bytes(b)

def field(num, payload):  # length-delimited
    return varint(num << 3 | 2) + varint(len(payload)) + payload

def vfield(num, v):  # varint
    return varint(num << 3) + varint(v)

def ref(node_id, name=b"c"):  # ObjectReference {node_id, local_name}
    return vfield(1, node_id) + field(2, name)

def chain_object_graph(depth):  # TrackableObjectGraph: node i -> node i+1
    return b"".join(field(1, field(1, ref(i + 1)) if i + 1 < depth else b"") for i in range(depth))

def chain_saved_model(depth):  # SavedModel whose SavedObjectGraph is one chain of user objects
    user = field(4, field(1, b"_generic_user_object"))
    nodes = b"".join(field(1, (field(1, ref(i + 1)) if i + 1 < depth else b"") + user) for i in range(depth))
    return vfield(1, 1) + field(2, field(7, nodes))

CRC_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    CRC_TABLE.append(c)

def masked_crc(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    c ^= 0xFFFFFFFF
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

def block(entries):  # a LevelDB block without prefix compression, one restart point
    body = b"".join(varint(0) + varint(len(k)) + varint(len(v)) + k + v for k, v in entries)
    body += struct.pack("<II", 0, 1)
    return body + b"\x00" + struct.pack("<I", masked_crc(body + b"\x00"))

def sstable(entries):  # data block, empty meta-index block, index block, footer (LevelDB table format)
    data = block(entries)
    handle = lambda off, size: varint(off) + varint(size)
    meta = block([])
    index = block([(entries[-1][0] + b"\xff", handle(0, len(data) - 5))])
    footer = handle(len(data), len(meta) - 5) + handle(len(data) + len(meta), len(index) - 5)
    footer = footer.ljust(40, b"\x00") + struct.pack("<Q", 0xDB4775248B80FB57)
    return data + meta + index + footer

def rank_bundle(rank):  # a bundle with one float tensor of shape [1]*(rank-1)+[4]
    header = vfield(1, 1) + field(3, vfield(1, 1))
    shape = b"".join(field(2, vfield(1, 1)) for _ in range(rank - 1)) + field(2, vfield(1, 4))
    values = struct.pack("<4f", 1, 2, 3, 4)
    entry = vfield(1, 1) + field(2, shape) + vfield(5, len(values)) + b"\x35" + struct.pack("<I", masked_crc(values))
    index = sstable([(b"", header), (b"deep", entry)])
    return struct.pack("<I", len(index)) + index + values

for depth in (1000, 30000):
    put("object_graph", f"chain{depth}", chain_object_graph(depth))
    put("saved_model", f"chain{depth}", b"\x00" + chain_saved_model(depth))
for rank in (254, 255, 10001):
    put("bundle", f"rank{rank}", rank_bundle(rank))
print(f"seeds written to {out}")

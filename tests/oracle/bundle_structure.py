"""Read a TensorFlow tensor bundle (`.index` + `.data-*`) without TensorFlow, for comparing two bundles by
structure: keys, dtypes, shapes, shards, offsets, sizes and slices, ignoring the CRCs.

Why this exists: trained float values differ in their last bits between CPUs (oneDNN picks AVX2 or AVX-512
kernels at run time, FMA contracts differently), and every such bit also changes the tensor CRC in the
`.index` and the block CRC around it. compare_regenerated.py therefore compares trained bundles entry by
entry: structure exactly, non-float tensor bytes exactly, float tensors within a stated tolerance.

Only what TensorFlow's BundleWriter produces is supported: an uncompressed LevelDB-format table (the writer
sets no compression). Formats facts: docs/FORMATS.md of the project's shared documentation.
"""
from __future__ import annotations

import os
import struct

TABLE_MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
BLOCK_TRAILER_SIZE = 5  # compression type byte + masked CRC32C

# DataType enum values whose payload is IEEE-style floating point (compared with a tolerance when trained).
DT_FLOAT, DT_DOUBLE, DT_BFLOAT16, DT_HALF = 1, 2, 14, 19
FLOAT_DTYPES = {DT_FLOAT: "float32", DT_DOUBLE: "float64", DT_HALF: "float16", DT_BFLOAT16: "bfloat16"}


class FormatError(ValueError):
    pass


def _varint(buf, pos):
    result, shift = 0, 0
    while True:
        if pos >= len(buf):
            raise FormatError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise FormatError("varint too long")


def _block_handle(buf, pos):
    offset, pos = _varint(buf, pos)
    size, pos = _varint(buf, pos)
    return (offset, size), pos


def _read_block(data, handle):
    offset, size = handle
    if offset + size + BLOCK_TRAILER_SIZE > len(data):
        raise FormatError("block handle outside the file")
    if data[offset + size] != 0:
        raise FormatError("compressed block (type %d): TensorFlow's bundle writer never compresses"
                          % data[offset + size])
    return data[offset:offset + size]


def _block_entries(block):
    if len(block) < 4:
        raise FormatError("block too small")
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * num_restarts
    if limit < 0:
        raise FormatError("bad restart count")
    pos, key = 0, b""
    while pos < limit:
        shared, pos = _varint(block, pos)
        non_shared, pos = _varint(block, pos)
        value_len, pos = _varint(block, pos)
        if shared > len(key) or pos + non_shared + value_len > limit:
            raise FormatError("bad block entry")
        key = key[:shared] + block[pos:pos + non_shared]
        pos += non_shared
        yield key, block[pos:pos + value_len]
        pos += value_len


def read_table(path):
    """All (key, value) pairs of a LevelDB-format table, in file order."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < FOOTER_SIZE:
        raise FormatError("%s: shorter than a table footer" % path)
    footer = data[-FOOTER_SIZE:]
    if struct.unpack_from("<Q", footer, FOOTER_SIZE - 8)[0] != TABLE_MAGIC:
        raise FormatError("%s: bad table magic" % path)
    _, pos = _block_handle(footer, 0)  # metaindex: empty in bundles
    index_handle, _ = _block_handle(footer, pos)
    out = []
    for _, handle_bytes in _block_entries(_read_block(data, index_handle)):
        handle, _ = _block_handle(handle_bytes, 0)
        out.extend(_block_entries(_read_block(data, handle)))
    return out


def _proto_fields(buf):
    """Top-level protobuf fields as a list of (number, value): varints as int, length-delimited as bytes,
    fixed32/64 as int."""
    pos, out = 0, []
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = struct.unpack_from("<I", buf, pos)[0], pos + 4
        elif wire == 1:
            value, pos = struct.unpack_from("<Q", buf, pos)[0], pos + 8
        else:
            raise FormatError("unsupported wire type %d" % wire)
        out.append((number, value))
    return out


def _shape_dims(shape_bytes):
    dims, unknown_rank = [], False
    for number, value in _proto_fields(shape_bytes):
        if number == 2:
            size = next((v for n, v in _proto_fields(value) if n == 1), 0)
            dims.append(size - (1 << 64) if size >= 1 << 63 else size)
        elif number == 3:
            unknown_rank = bool(value)
    return None if unknown_rank else dims


class Entry:
    """One BundleEntryProto. `crc32c` is kept but is not part of `structure()`."""

    def __init__(self, key, raw):
        self.key = key
        self.dtype = 0
        self.shape = []
        self.shard_id = 0
        self.offset = 0
        self.size = 0
        self.crc32c = None
        self.slices = []
        for number, value in _proto_fields(raw):
            if number == 1:
                self.dtype = value
            elif number == 2:
                self.shape = _shape_dims(value)
            elif number == 3:
                self.shard_id = value
            elif number == 4:
                self.offset = value
            elif number == 5:
                self.size = value
            elif number == 6:
                self.crc32c = value
            elif number == 7:
                self.slices.append(bytes(value))

    def structure(self):
        return {"dtype": self.dtype, "shape": self.shape, "shard_id": self.shard_id, "offset": self.offset,
                "size": self.size, "slices": [s.hex() for s in self.slices]}


class Bundle:
    def __init__(self, index_path):
        self.index_path = index_path
        self.prefix = index_path[: -len(".index")]
        pairs = read_table(index_path)
        if not pairs or pairs[0][0] != b"":
            raise FormatError("%s: no bundle header entry" % index_path)
        self.header = {n: v for n, v in _proto_fields(pairs[0][1]) if n in (1, 2)}  # num_shards, endianness
        self.entries = [Entry(k, v) for k, v in pairs[1:]]
        self._shards = {}

    @property
    def num_shards(self):
        return self.header.get(1, 1)

    def data_path(self, shard):
        return "%s.data-%05d-of-%05d" % (self.prefix, shard, self.num_shards)

    def payload(self, entry):
        if entry.shard_id not in self._shards:
            with open(self.data_path(entry.shard_id), "rb") as f:
                self._shards[entry.shard_id] = f.read()
        data = self._shards[entry.shard_id]
        if entry.offset + entry.size > len(data):
            raise FormatError("%r: payload outside %s" % (entry.key, self.data_path(entry.shard_id)))
        return data[entry.offset:entry.offset + entry.size]


def decode_floats(payload, dtype):
    """The float payload of a bundle entry as a numpy array of its own width (bfloat16 widened exactly to
    float32). Little-endian bundles only."""
    import numpy as np
    if dtype == DT_BFLOAT16:
        bits = np.frombuffer(payload, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32)
    return np.frombuffer(payload, dtype="<" + {DT_FLOAT: "f4", DT_DOUBLE: "f8", DT_HALF: "f2"}[dtype])


# -- writing (for the checker's own tests: a renamed key or changed dtype in a TensorFlow-written index) ------

def _put_varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _block(pairs):
    body = bytearray()
    for k, v in pairs:  # no prefix sharing: one restart point
        body += _put_varint(0) + _put_varint(len(k)) + _put_varint(len(v)) + k + v
    return bytes(body) + struct.pack("<II", 0, 1)


def write_table(path, pairs):
    """An uncompressed table with one data block; keys must be sorted. Block CRCs are left zero (the
    readers here do not check them, and TensorFlow would reject the file: test material only)."""
    out = bytearray()
    data = _block(pairs)
    data_handle = _put_varint(0) + _put_varint(len(data))
    out += data + b"\0" * BLOCK_TRAILER_SIZE
    meta_off = len(out)
    meta = _block([])
    out += meta + b"\0" * BLOCK_TRAILER_SIZE
    index_off = len(out)
    index = _block([(pairs[-1][0], data_handle)] if pairs else [])
    out += index + b"\0" * BLOCK_TRAILER_SIZE
    footer = _put_varint(meta_off) + _put_varint(len(meta)) + _put_varint(index_off) + _put_varint(len(index))
    footer += b"\0" * (FOOTER_SIZE - 8 - len(footer)) + struct.pack("<Q", TABLE_MAGIC)
    with open(path, "wb") as f:
        f.write(bytes(out) + footer)


def rewrite_index(path, transform):
    """Rewrite an index table with transform(key, value) -> (key, value) applied to every entry but the
    header; entries are re-sorted by key."""
    pairs = read_table(path)
    header, rest = pairs[0], [transform(k, v) for k, v in pairs[1:]]
    write_table(path, [header] + sorted(rest))

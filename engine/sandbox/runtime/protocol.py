"""Frames and values on the wire between the service, the zygote, the harness and the worker.

A frame is ``>II`` (header length, blob length), a JSON header and a blob of raw array bytes.
Values are JSON trees whose arrays point into the blob. Nothing is ever pickled: the service
rebuilds plain ``float64`` arrays from bytes, so a submission cannot smuggle objects out.
Untrusted streams are read with a :class:`FrameReader`, which stops at the first frame that
breaks its byte, frame or item budget instead of buffering whatever arrives.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
from typing import Any

import numpy as np

PREFIX = struct.Struct(">II")
MAX_HEADER_BYTES = 8 << 20
MAX_DEPTH = 4
MAX_ITEMS = 256
ALIGN = 64  # input arrays start on cache-line boundaries (they are used in place)
INPUT_DTYPES = {"f8": np.float64, "f4": np.float32, "i8": np.int64, "b1": np.bool_}
SURROGATES = re.compile("[\ud800-\udfff]")


class ProtocolError(ValueError):
    """A frame or value that does not follow the protocol (from a broken or hostile peer)."""


class OverBudget(ProtocolError):
    """A stream broke its budget: ``what`` is ``bytes``, ``frames``, ``items`` or ``header``."""

    def __init__(self, what: str) -> None:
        super().__init__(f"over budget: {what}")
        self.what = what


def clean_text(value: Any, limit: int = 300) -> str:
    """A string from an untrusted peer, cut to ``limit`` characters, lone surrogates replaced
    (they cannot be encoded as UTF-8, so a stored verdict holding one could never be served).

    >>> clean_text("ok\\ud800", 10) == "ok\\ufffd"
    True
    """
    return SURROGATES.sub("\ufffd", str(value)[:limit])


def pack(header: dict[str, Any], blob: bytes = b"") -> bytes:
    """Serialize one frame."""
    head = json.dumps(header, separators=(",", ":")).encode()
    return PREFIX.pack(len(head), len(blob)) + head + blob


def write_all(fd: int, data: bytes) -> None:
    """Write every byte to a raw file descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_exact(fd: int, n: int) -> bytes | None:
    """Read exactly ``n`` bytes (blocking); None on end of file."""
    chunks, need = [], n
    while need:
        chunk = os.read(fd, min(need, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        need -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, max_blob: int) -> tuple[dict[str, Any], bytes] | None:
    """Read one frame from a trusted peer; None on end of file."""
    prefix = read_exact(fd, PREFIX.size)
    if prefix is None:
        return None
    n_head, n_blob = PREFIX.unpack(prefix)
    if n_head > MAX_HEADER_BYTES or n_blob > max_blob:
        raise ProtocolError(f"frame too large ({n_head} + {n_blob} bytes)")
    head = read_exact(fd, n_head)
    blob = read_exact(fd, n_blob) if n_blob else b""
    if head is None or blob is None:
        return None
    return json.loads(head), blob


class FrameReader:
    """Parse frames from an untrusted stream as its bytes arrive, under a budget.

    ``feed`` returns the frames completed by a chunk and raises :class:`OverBudget` as soon as
    the stream announces or sends more than ``max_bytes`` in all, a header over ``max_header``
    bytes, more than ``max_frames`` frames or more than ``max_items`` JSON containers (each
    costs a Python object, so bytes alone do not bound memory); malformed JSON raises
    :class:`ProtocolError`.

    >>> reader = FrameReader(max_bytes=1000)
    >>> data = pack({"ev": "a"}) + pack({"ev": "b"}, b"xy")
    >>> [h["ev"] for h, _ in reader.feed(data[:20])], [h["ev"] for h, _ in reader.feed(data[20:])]
    (['a'], ['b'])
    """

    def __init__(
        self,
        *,
        max_bytes: int,
        max_header: int = 64 << 10,
        max_frames: int = 10_000,
        max_items: int = 100_000,
    ) -> None:
        self.max_bytes, self.max_header = max_bytes, max_header
        self.max_frames, self.max_items = max_frames, max_items
        self.buffer = bytearray()
        self.pos = 0
        self.total = self.frames = self.items = 0

    @property
    def pending(self) -> int:
        """Bytes received that do not form a whole frame yet."""
        return len(self.buffer) - self.pos

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        self.total += len(data)
        if self.total > self.max_bytes:
            raise OverBudget("bytes")
        self.buffer += data
        out = []
        while self.pending >= PREFIX.size:
            n_head, n_blob = PREFIX.unpack_from(self.buffer, self.pos)
            if n_head > self.max_header:
                raise OverBudget("header")
            if self.total - self.pending + PREFIX.size + n_head + n_blob > self.max_bytes:
                raise OverBudget("bytes")
            end = self.pos + PREFIX.size + n_head + n_blob
            if end > len(self.buffer):
                break
            head = bytes(self.buffer[self.pos + PREFIX.size : end - n_blob])
            self.items += head.count(b"{") + head.count(b"[")
            self.frames += 1
            if self.items > self.max_items:
                raise OverBudget("items")
            if self.frames > self.max_frames:
                raise OverBudget("frames")
            try:
                header = json.loads(head)
            except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
                raise ProtocolError("unreadable frame header") from None
            if not isinstance(header, dict):
                raise ProtocolError("a frame header must be an object")
            out.append((header, bytes(self.buffer[end - n_blob : end])))
            self.pos = end
        if self.pos > (1 << 16) and self.pos * 2 > len(self.buffer):
            del self.buffer[: self.pos]
            self.pos = 0
        return out


def split_frames(data: bytes, max_frames: int) -> tuple[list[tuple[dict[str, Any], bytes]], bool]:
    """Parse a stream written by an untrusted child; returns frames and whether it ended cleanly."""
    frames: list[tuple[dict[str, Any], bytes]] = []
    pos = 0
    while pos < len(data) and len(frames) < max_frames:
        if len(data) - pos < PREFIX.size:
            return frames, False
        n_head, n_blob = PREFIX.unpack_from(data, pos)
        end = pos + PREFIX.size + n_head + n_blob
        if n_head > MAX_HEADER_BYTES or end > len(data):
            return frames, False
        try:
            header = json.loads(data[pos + PREFIX.size : pos + PREFIX.size + n_head])
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return frames, False
        if not isinstance(header, dict):
            return frames, False
        frames.append((header, data[end - n_blob : end]))
        pos = end
    return frames, pos == len(data)


class Spec(dict[str, Any]):
    """A value the child builds from data, e.g. ``Spec(t="quadratic_grad", A=…, b=…)``."""


class BlobWriter:
    """Encode values into a JSON tree plus one blob of raw array bytes."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def array(self, arr: np.ndarray, code: str) -> dict[str, Any]:
        pad = -self.size % ALIGN
        if pad:
            self.chunks.append(b"\0" * pad)
            self.size += pad
        data = np.ascontiguousarray(arr).tobytes()
        node = {"t": "arr", "dtype": code, "shape": list(arr.shape), "off": self.size}
        node["len"] = len(data)
        self.chunks.append(data)
        self.size += len(data)
        return node

    def blob(self) -> bytes:
        return b"".join(self.chunks)


def encode_input(value: Any, out: BlobWriter) -> Any:
    """Encode a trusted input value (arrays, numbers, lists, tuples, None, :class:`Spec`)."""
    if isinstance(value, Spec):
        return {"t": "spec", "v": {k: encode_input(v, out) for k, v in value.items()}}
    if isinstance(value, np.ndarray):
        for code, dtype in INPUT_DTYPES.items():
            if value.dtype == dtype:
                return out.array(value, code)
        raise TypeError(f"unsupported input dtype {value.dtype}")
    if isinstance(value, bool | np.bool_):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, int | np.integer):
        return {"t": "int", "v": int(value)}
    if isinstance(value, float | np.floating):
        return {"t": "float", "v": float(value)}
    if value is None:
        return {"t": "none"}
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, dict):
        return {"t": "dict", "v": {str(k): encode_input(v, out) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        kind = "list" if isinstance(value, list) else "tuple"
        return {"t": kind, "v": [encode_input(v, out) for v in value]}
    raise TypeError(f"cannot encode input of type {type(value).__name__}")


def decode_input(node: Any, blob: Any, shared: bool = False) -> Any:
    """Rebuild an input value in the child: fresh, writable arrays, or with ``shared`` (``blob``
    then a writable shared mapping) arrays that are views of it, so that whoever holds the
    mapping sees what the call did to them. Arrays inside specs are always copies."""
    t = node["t"]
    if t == "arr":
        dtype = INPUT_DTYPES[node["dtype"]]
        flat: np.ndarray = np.frombuffer(
            blob, dtype=dtype, count=node["len"] // np.dtype(dtype).itemsize, offset=node["off"]
        )
        view = flat.reshape(node["shape"])
        return view if shared else view.copy()
    if t in ("bool", "int", "float", "str"):
        return node["v"]
    if t == "none":
        return None
    if t in ("list", "tuple"):
        items = [decode_input(v, blob, shared) for v in node["v"]]
        return items if t == "list" else tuple(items)
    if t == "spec":
        return Spec({k: decode_input(v, blob) for k, v in node["v"].items()})
    if t == "dict":
        return {k: decode_input(v, blob, shared) for k, v in node["v"].items()}
    raise ProtocolError(f"unknown input node {t!r}")


def input_arrays(node: Any) -> list[dict[str, Any]]:
    """The array nodes of an encoded argument, in the order the worker hands them over
    (lists and tuples flattened; specs and dicts are not the caller's arrays)."""
    if node.get("t") == "arr":
        return [node]
    if node.get("t") in ("list", "tuple"):
        return [a for v in node["v"] for a in input_arrays(v)]
    return []


def encode_output(value: Any, out: BlobWriter, max_elements: int, depth: int = 0) -> Any:
    """Encode whatever a submission returned, as float64 arrays, sequences or a type name."""
    if value is None:
        return {"t": "none"}
    if isinstance(value, tuple | list) and depth < MAX_DEPTH - 1:
        items = list(value)[: MAX_ITEMS + 1]
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {
            "t": "seq",
            "kind": kind,
            "v": [encode_output(v, out, max_elements, depth + 1) for v in items],
        }
    src = type(value).__name__[:60]
    dtype = str(value.dtype)[:20] if isinstance(value, np.ndarray) else ""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except Exception:
        return {"t": "bad", "type": src}
    if arr.size > max_elements:
        return {"t": "big", "shape": list(arr.shape)[:8], "type": src}
    node = out.array(arr, "f8")
    node.update(src=src, src_dtype=dtype)
    return node


def checked_output(node: Any, blob_size: int, depth: int = 0) -> dict[str, Any]:
    """A copy of an untrusted output tree holding only what :func:`decode_output` reads, every
    field checked (types, depth, sizes, arrays inside a blob of ``blob_size`` bytes); raises
    :class:`ProtocolError`. The harness forwards only such trees to the service."""
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        raise ProtocolError("malformed value")
    t = node.get("t")
    if t == "none":
        return {"t": "none"}
    if t == "seq":
        items = node.get("v")
        if not isinstance(items, list) or len(items) > MAX_ITEMS + 1:
            raise ProtocolError("malformed sequence")
        kind = "list" if node.get("kind") == "list" else "tuple"
        return {
            "t": "seq",
            "kind": kind,
            "v": [checked_output(v, blob_size, depth + 1) for v in items],
        }
    if t in ("bad", "big"):
        shape = node.get("shape")
        checked: dict[str, Any] = {"t": t, "type": clean_text(node.get("type", "?"), 60)}
        if t == "big" and isinstance(shape, list):
            checked["shape"] = [s for s in shape[:8] if type(s) is int]
        return checked
    if t == "arr":
        shape, off, length = node.get("shape"), node.get("off"), node.get("len")
        if not _array_fits(shape, off, length, blob_size):
            raise ProtocolError("malformed array")
        return {
            "t": "arr",
            "shape": shape,
            "off": off,
            "len": length,
            "src": clean_text(node.get("src", ""), 60),
            "src_dtype": clean_text(node.get("src_dtype", ""), 20),
        }
    raise ProtocolError("unknown value type")


def _array_fits(shape: Any, off: Any, length: Any, blob_size: int) -> bool:
    return (
        isinstance(shape, list)
        and len(shape) <= 32
        and all(type(s) is int and 0 <= s < 2**31 for s in shape)
        and type(off) is int
        and type(length) is int
        and off >= 0
        and off + length <= blob_size
        and length == 8 * math.prod(shape)
    )


def decode_output(node: Any, blob: bytes, depth: int = 0) -> Any:
    """Rebuild an untrusted output as plain data; raises :class:`ProtocolError` if malformed.

    Returns ``np.ndarray`` (float64), ``Seq``, ``None`` or ``Unconvertible``.
    """
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        raise ProtocolError("malformed value")
    t = node.get("t")
    if t == "none":
        return None
    if t == "seq":
        items = node.get("v")
        if not isinstance(items, list) or len(items) > MAX_ITEMS + 1:
            raise ProtocolError("malformed sequence")
        return Seq(
            [decode_output(v, blob, depth + 1) for v in items],
            kind="list" if node.get("kind") == "list" else "tuple",
        )
    if t in ("bad", "big"):
        return Unconvertible(clean_text(node.get("type", "?"), 60), too_big=t == "big")
    if t == "arr":
        return _decode_array(node, blob)
    raise ProtocolError(f"unknown value type {t!r}")


def _decode_array(node: dict[str, Any], blob: bytes) -> np.ndarray:
    shape, off, length = node.get("shape"), node.get("off"), node.get("len")
    if not _array_fits(shape, off, length, len(blob)):
        raise ProtocolError("malformed array")
    assert isinstance(off, int) and isinstance(length, int)  # checked by _array_fits
    flat = np.frombuffer(blob, dtype=np.float64, count=length // 8, offset=off)
    arr = np.array(flat.reshape(shape), dtype=np.float64, copy=True)
    return arr


class Seq(list[Any]):
    """A tuple or list returned by a submission (``kind`` says which)."""

    def __init__(self, items: list[Any], kind: str = "tuple") -> None:
        super().__init__(items)
        self.kind = kind


class Unconvertible:
    """A returned value that is not numeric (or far too large); only its type name is kept."""

    def __init__(self, type_name: str, too_big: bool = False) -> None:
        self.type_name = type_name
        self.too_big = too_big

    def __repr__(self) -> str:
        return f"Unconvertible({self.type_name!r})"

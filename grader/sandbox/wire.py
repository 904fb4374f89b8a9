"""The wire format between the grader and the child that runs student code.

One message = 4-byte big-endian header length, a JSON header, then raw array
bytes. Values are JSON except arrays, which the header describes (kind, dtype,
shape, offset) and the receiver rebuilds with ``np.frombuffer`` from a fixed
list of dtypes. Nothing is ever unpickled, so a message from a hostile child
can be malformed but cannot run code. Stdlib + NumPy only: the child imports
this file too.
"""

from __future__ import annotations

import enum
import json
import math
import struct

import numpy as np


class Status(enum.StrEnum):
    """What a request to the child came to. The child answers OK, RAISED, MISSING or ERROR (its answer
    could not be encoded: the grader treats it as RAISED); the grader adds KILLED (a limit, a crash, an
    exit) and BROKEN (a malformed answer)."""

    OK = "ok"
    RAISED = "raised"
    MISSING = "missing"
    ERROR = "error"
    KILLED = "killed"
    BROKEN = "broken"


ANSWERED = (Status.OK, Status.RAISED, Status.MISSING, Status.ERROR)  # what the child may answer

DTYPES = {
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "float32",
    "float64",
}
MAX_MESSAGE_BYTES = 256 * 1024 * 1024


def special(value) -> tuple[str, list] | None:
    """The kind and parameters of a ``{"$special": [kind, ...]}`` value, what the wire carries in words
    (a NumPy scalar: its dtype and number; a module or another object: its type's name), or None."""
    if isinstance(value, dict) and isinstance(value.get("$special"), list) and value["$special"]:
        return str(value["$special"][0]), list(value["$special"][1:])
    return None


def numpy_scalar(value):
    """The Python number a returned NumPy scalar carries; any other value as it is."""
    kind = special(value)
    return kind[1][1] if kind is not None and kind[0] == "numpy_scalar" and len(kind[1]) > 1 else value


class WireError(ValueError):
    """A message that does not follow the format (from a broken or hostile child)."""


class Array:
    """An array crossing the wire, with what it was on the sending side.

    ``kind`` is ``"tensor"`` or ``"ndarray"``; ``type_name`` is the exact
    Python type there (``"Tensor"`` for a plain tensor); ``requires_grad``
    applies to tensors.
    """

    __slots__ = ("data", "kind", "type_name", "requires_grad")

    def __init__(
        self, data: np.ndarray, kind: str = "ndarray", type_name: str = "ndarray", requires_grad: bool = False
    ):
        self.data, self.kind, self.type_name, self.requires_grad = data, kind, type_name, requires_grad

    def __repr__(self):
        return f"Array({self.kind}, {self.data.dtype}, {tuple(self.data.shape)})"


def encode(value) -> bytes:
    """Serialise ``value`` (JSON-able data, tuples and ``Array`` s nested in it)."""
    blobs: list[bytes] = []
    offset = [0]

    def walk(v):
        if isinstance(v, Array):
            data = np.ascontiguousarray(v.data).reshape(v.data.shape)  # keeps 0-d arrays 0-d
            if data.dtype.name not in DTYPES:
                raise WireError(f"dtype {data.dtype} cannot cross the wire")
            raw = data.tobytes()
            blobs.append(raw)
            desc = {
                "$array": [
                    v.kind,
                    v.type_name,
                    bool(v.requires_grad),
                    data.dtype.name,
                    list(data.shape),
                    offset[0],
                    len(raw),
                ]
            }
            offset[0] += len(raw)
            return desc
        if isinstance(v, tuple):
            return {"$tuple": [walk(x) for x in v]}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            if not all(isinstance(k, str) for k in v):
                raise WireError("only string keys can cross the wire")
            if any(k.startswith("$") for k in v):
                return {"$dict": [[k, walk(x)] for k, x in v.items()]}
            return {k: walk(x) for k, x in v.items()}
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        raise WireError(f"a {type(v).__name__} cannot cross the wire")

    header = json.dumps(walk(value), allow_nan=True).encode()
    return struct.pack(">I", len(header)) + header + b"".join(blobs)


def decode(message: bytes):
    """Rebuild the value; raises ``WireError`` on anything malformed."""
    if len(message) < 4:
        raise WireError("truncated message")
    (size,) = struct.unpack(">I", message[:4])
    if size > len(message) - 4:
        raise WireError("header longer than the message")
    try:
        header = json.loads(message[4 : 4 + size])
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"header is not JSON: {exc}") from None
    body = memoryview(message)[4 + size :]

    def walk(v, depth=0):
        if depth > 64:
            raise WireError("value nested too deeply")
        if isinstance(v, list):
            return [walk(x, depth + 1) for x in v]
        if isinstance(v, dict):
            if "$array" in v:
                return _array(v["$array"], body)
            if "$tuple" in v:
                return tuple(walk(x, depth + 1) for x in v["$tuple"])
            if "$dict" in v:
                return {str(k): walk(x, depth + 1) for k, x in v["$dict"]}
            return {k: walk(x, depth + 1) for k, x in v.items()}
        return v

    return walk(header)


def _array(desc, body: memoryview) -> Array:
    try:
        kind, type_name, requires_grad, dtype, shape, offset, nbytes = desc
        shape = tuple(int(n) for n in shape)
        if dtype not in DTYPES or kind not in ("tensor", "ndarray") or any(n < 0 for n in shape):
            raise WireError(f"bad array description {desc!r}")
        count = math.prod(shape)
        if count * np.dtype(dtype).itemsize != nbytes or offset < 0 or offset + nbytes > len(body):
            raise WireError("array size does not match its description")
        data = np.frombuffer(body[offset : offset + nbytes], dtype=dtype).reshape(shape).copy()
    except (TypeError, ValueError) as exc:
        raise WireError(f"bad array description: {exc}") from None
    return Array(data, kind, str(type_name)[:100], bool(requires_grad))


def send_message(sock, payload: bytes):
    """Write one length-prefixed message to a stream socket."""
    sock.sendall(struct.pack(">Q", len(payload)) + payload)


def recv_message(sock, max_bytes: int = MAX_MESSAGE_BYTES) -> bytes:
    """Read one length-prefixed message; ``EOFError`` when the peer is gone."""
    (size,) = struct.unpack(">Q", _recv_exactly(sock, 8))
    if size > max_bytes:
        raise WireError(f"message of {size} bytes is over the limit of {max_bytes}")
    return _recv_exactly(sock, size)


def _recv_exactly(sock, size: int) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("peer closed the channel")
        got += n
    return bytes(buffer)

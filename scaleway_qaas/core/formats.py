"""Which program format to send: the platform's preference, the first one the adapter can write.

Adapters offer one encoder per format they can produce; :func:`encode_program` tries them
in the platform's order of preference (see :mod:`.platform`) and wraps the text as qio does
(zlib + base64). An encoder raises :class:`CannotEncode` when a circuit does not fit its
format (e.g. a dynamic circuit in OpenQASM 2), and the next format is tried.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .errors import InvalidArgumentError
from .platform import PlatformDescription
from .wire import Compression, Program, ProgramFormat


class CannotEncode(Exception):
    """Raised by an adapter's encoder: this circuit cannot be written in this format."""


Encoders = Mapping[ProgramFormat, Callable[[], str]]


def encode_program(platform: PlatformDescription, encoders: Encoders, *, what: str = "the circuit") -> Program:
    """The program in the first format of ``platform.program_formats`` that an encoder can write."""
    reasons = []
    for fmt in platform.program_formats:
        encoder = encoders.get(fmt)
        if encoder is None:
            continue
        try:
            text = encoder()
        except CannotEncode as exc:
            reasons.append(f"{fmt.name}: {exc}")
            continue
        return Program.from_text(text, fmt, Compression.ZLIB_BASE64_V1)
    accepted = ", ".join(f.name for f in platform.program_formats)
    offered = ", ".join(f.name for f in encoders)
    why = f" ({'; '.join(reasons)})" if reasons else ""
    raise InvalidArgumentError(
        f"{what} cannot be sent to {platform.name}: it reads {accepted}; this framework writes {offered}{why}"
    )

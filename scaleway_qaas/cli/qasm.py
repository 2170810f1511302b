"""OpenQASM files: version detection and local validation (with Qiskit when installed)."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import attrs

from .context import UsageError

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_HEADER = re.compile(r"OPENQASM\s+(\d+)(?:\.(\d+))?\s*;")


@attrs.frozen
class QasmProgram:
    """A checked OpenQASM program: its text, major version and (if parsed) qubit count."""

    text: str
    version: int
    num_qubits: int | None = None
    circuit: Any = None


def detect_version(text: str, name: str) -> int:
    """2 or 3, from the ``OPENQASM x[.y];`` header (the first statement)."""
    stripped = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text).lstrip()
    match = _HEADER.match(stripped)
    if not match:
        raise UsageError(f"{name}: not an OpenQASM program (it must start with 'OPENQASM 2.0;' or 'OPENQASM 3.0;')")
    version = int(match.group(1))
    if version not in (2, 3):
        raise UsageError(f"{name}: OpenQASM {match.group(1)} is not supported (only versions 2 and 3)")
    return version


def _located(name: str, version: int, line: int | str, column: int | str, message: str) -> UsageError:
    return UsageError(f"invalid OpenQASM {version} in {name} at line {line}, column {int(column) + 1}: {message}")


def _qasm3_syntax_error(text: str) -> tuple[int, int, str] | None:
    """Line, column and message of the first syntax error (the reference parser drops them)."""
    try:
        from antlr4 import CommonTokenStream, InputStream
        from antlr4.error.ErrorListener import ErrorListener
        from openqasm3._antlr.qasm3Lexer import qasm3Lexer
        from openqasm3._antlr.qasm3Parser import qasm3Parser
    except ImportError:
        return None
    errors: list[tuple[int, int, str]] = []

    class Collect(ErrorListener):  # type: ignore[misc]
        def syntaxError(self, recognizer: Any, symbol: Any, line: int, column: int, msg: str, e: Any) -> None:
            errors.append((line, column, msg))

    lexer = qasm3Lexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(Collect())
    parser = qasm3Parser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(Collect())
    with contextlib.suppress(Exception):
        parser.program()
    return errors[0] if errors else None


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return str(text).strip().strip('"').strip()


def _parse(text: str, version: int, name: str) -> Any:
    """The Qiskit circuit of ``text``; None when Qiskit (or its QASM 3 importer) is missing."""
    try:
        from qiskit import qasm2, qasm3
    except ImportError:
        return None
    if version == 2:
        try:
            return qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
        except qasm2.QASM2ParseError as exc:
            msg = _message(exc)
            m = re.match(r"<input>:(\d+),(\d+):\s*(.*)", msg, re.S)
            if m:
                raise _located(name, 2, m.group(1), m.group(2), m.group(3)) from exc
            raise UsageError(f"invalid OpenQASM 2 in {name}: {msg}") from exc
    try:
        return qasm3.loads(text)
    except Exception as exc:
        if type(exc).__name__ == "MissingOptionalLibraryError":
            return None
        msg = _message(exc)
        m = re.match(r"L?(\d+)[,:]C?(\d+):\s*(.*)", msg, re.S)
        if m:
            raise _located(name, 3, m.group(1), m.group(2), m.group(3)) from exc
        located = _qasm3_syntax_error(text)
        if located:
            raise _located(name, 3, *located) from exc
        raise UsageError(f"invalid OpenQASM 3 in {name}: {msg or type(exc).__name__}") from exc


def check(text: str, name: str) -> QasmProgram:
    """Detect the version and validate the program locally (if Qiskit is installed)."""
    version = detect_version(text, name)
    circuit = _parse(text, version, name)
    num_qubits = circuit.num_qubits if circuit is not None else None
    return QasmProgram(text, version, num_qubits, circuit)


def convert(program: QasmProgram, name: str, version: int) -> str:
    """The program in OpenQASM ``version`` (2 or 3), written by Qiskit from the parsed circuit."""
    if program.version == version:
        return program.text
    if program.circuit is None:
        raise UsageError(f"{name} cannot be converted to OpenQASM {version} without Qiskit installed")
    from qiskit import qasm2, qasm3

    try:
        return str(qasm2.dumps(program.circuit) if version == 2 else qasm3.dumps(program.circuit))
    except Exception as exc:
        raise UsageError(f"{name} cannot be expressed in OpenQASM {version}: {_message(exc)}") from exc

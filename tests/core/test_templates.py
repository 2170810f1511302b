"""Core templates: the cut of an export at its numbers, and programs without numbers."""

from __future__ import annotations

from scaleway_qaas.core import ProgramFormat, find_template


def test_a_program_without_numbers_is_its_own_template():
    """A sweep of a circuit with no numeric parameter (e.g. the same Bell circuit ten times) binds nothing."""
    text = "OPENQASM 2.0;\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n"
    template = find_template(lambda values: text, 0, ProgramFormat.QASM_V2)
    assert template is not None and template.text([]) == text


def test_numbers_are_cut_where_the_export_printed_them():
    template = find_template(lambda v: f"rx({v[0]!r}) q[0];\nry({v[1]!r}) q[1];\n", 2, ProgramFormat.QASM_V2)
    assert template is not None
    assert template.text(["0.5", "1.25"]) == "rx(0.5) q[0];\nry(1.25) q[1];\n"


def test_a_value_dependent_export_has_no_template():
    assert find_template(lambda v: "x q[0];" if v[0] > 400.5 else "y q[0];", 1, ProgramFormat.QASM_V2) is None

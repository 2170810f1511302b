"""Core templates: the cut of an export at its numbers, and programs without numbers."""

from __future__ import annotations

from scaleway_qaas.core import ProgramFormat, find_template
from scaleway_qaas.core.templates import sentinels


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


def test_a_pattern_prints_a_point_with_one_percent_call():
    """Floats print as their repr, formatted strings as they are; a ``%`` of the text stays a ``%``."""
    template = find_template(
        lambda v: f"// 100%\nrx({v[0]!r}) q[0];\nu({v[1]!r},{v[0]!r}) q[1];\n", 2, ProgramFormat.QASM_V2
    )
    assert template is not None
    assert template.pattern() % (0.1, -0.0, 0.1) == "// 100%\nrx(0.1) q[0];\nu(-0.0,0.1) q[1];\n"
    assert template.pattern("pi*%s") % ("1", 2.5, "3") == "// 100%\nrx(pi*1) q[0];\nu(pi*2.5,pi*3) q[1];\n"
    assert template.program(template.text(["0.5", "pi/2", "0.5"])).text() == template.pattern() % (0.5, "pi/2", 0.5)


def test_a_constant_printed_like_a_sentinel_stays_a_constant():
    """A fixed angle of the program equal to one set of sentinels is kept as text (found by Hypothesis)."""
    for constant in (sentinels(1)[0], sentinels(1, alternate=True)[0]):
        template = find_template(
            lambda v, c=constant: f"rx({v[0]!r}) q[0];\nrz({c!r}) q[1];\n", 1, ProgramFormat.QASM_V2
        )
        assert template is not None
        assert template.text(["0.5"]) == f"rx(0.5) q[0];\nrz({constant!r}) q[1];\n"

"""A program without parameters has a template without holes (the README's ten identical Garnet circuits)."""

from __future__ import annotations

from scaleway_qaas.core.templates import find_template
from scaleway_qaas.core.wire import ProgramFormat

TEXT = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'


def test_a_program_without_parameters_is_its_own_template() -> None:
    template = find_template(lambda values: TEXT, 0, ProgramFormat.QASM_V2)
    assert template is not None and template.slots == ()
    assert template.text([]) == TEXT

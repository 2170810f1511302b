"""The content key of a run and the journal of submissions (issue 25), without a service."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaleway_qaas.core.config import journal_path, resume_mode
from scaleway_qaas.core.errors import ConfigurationError
from scaleway_qaas.core.journal import Journal, Part, content_key, is_alive, owner_token, part_of, release, tags
from scaleway_qaas.core.wire import Compression, NoiseModel, Program, ProgramFormat

REPO = Path(__file__).resolve().parents[2]
SCOPE = ("http://127.0.0.1:1", "11111111-2222-3333-4444-555555555555")

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
formats = st.sampled_from([ProgramFormat.QASM_V2, ProgramFormat.QASM_V3, ProgramFormat.CIRQ_CIRCUIT_JSON_V1])
values = st.one_of(st.integers(-5, 5), st.floats(allow_nan=False, width=32), st.booleans(), texts, st.none())
runs = st.fixed_dictionaries(
    {
        "platform": st.sampled_from(["QPU-GARNET-20PQ", "QPU-IBEX-12PQ", "EMU-AER-16C-128M"]),
        "programs": st.lists(st.tuples(formats, texts), min_size=1, max_size=4),
        "shots": st.integers(1, 10_000),
        "options": st.dictionaries(st.sampled_from(["memory", "seed", "method", "noise", "x"]), values, max_size=3),
        "noise": st.none() | texts,
        "label": st.none() | texts.filter(bool),
    }
)


def _key(run: dict[str, Any], compression: Compression = Compression.NONE) -> str:
    programs = [Program.from_text(text, fmt, compression) for fmt, text in run["programs"]]
    shots = run["shots"] if isinstance(run["shots"], list) else [run["shots"]] * len(programs)
    noise = run["noise"]
    if noise:
        noise = NoiseModel.from_dict({"serialization_format": 1, "compression_format": 1, "serialization": noise})
    return content_key(run["platform"], programs, shots, run["options"], noise or None, run["label"])


def _canonical(run: dict[str, Any]) -> Any:
    shots = run["shots"] if isinstance(run["shots"], list) else [run["shots"]] * len(run["programs"])
    options = sorted((k, repr(v), type(v).__name__) for k, v in run["options"].items())
    noise = run["noise"] or None  # an empty noise model is no noise model
    return (run["platform"], [(int(f), t) for f, t in run["programs"]], shots, options, noise, run["label"])


@given(runs, runs)
def test_two_runs_share_a_key_only_when_they_are_the_same_run(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert (_key(a) == _key(b)) == (_canonical(a) == _canonical(b))


@given(runs, st.data())
def test_any_change_of_program_shots_option_label_or_platform_changes_the_key(run: dict[str, Any], data: Any) -> None:
    changed = dict(run)
    what = data.draw(st.sampled_from(["program", "format", "count", "shots", "option", "label", "platform"]))
    if what == "program":
        i = data.draw(st.integers(0, len(run["programs"]) - 1))
        fmt, text = run["programs"][i]
        changed["programs"] = [*run["programs"][:i], (fmt, text + " "), *run["programs"][i + 1 :]]
    elif what == "format":
        fmt, text = run["programs"][0]
        other = ProgramFormat.QASM_V3 if fmt != ProgramFormat.QASM_V3 else ProgramFormat.QASM_V2
        changed["programs"] = [(other, text), *run["programs"][1:]]
    elif what == "count":
        changed["programs"] = [*run["programs"], run["programs"][-1]]
    elif what == "shots":
        shots = [run["shots"]] * len(run["programs"])
        shots[data.draw(st.integers(0, len(shots) - 1))] += 1
        changed["shots"] = shots
    elif what == "option":
        key = data.draw(st.sampled_from(["memory", "seed", "shots_per_x"]))
        old = run["options"].get(key, object())
        new = data.draw(values.filter(lambda v: repr(v) != repr(old) or type(v) is not type(old)))
        changed["options"] = {**run["options"], key: new}
    elif what == "label":
        changed["label"] = (run["label"] or "") + "x"
    else:
        changed["platform"] = run["platform"] + "-2"
    assert _key(changed) != _key(run)


@given(runs)
def test_compression_does_not_change_the_key(run: dict[str, Any]) -> None:
    assert _key(run, Compression.ZLIB_BASE64_V1) == _key(run)


def test_tags_name_the_key_the_part_and_the_label() -> None:
    key = "ab" * 32
    assert tags(key, "my run", 2, 4) == [f"qaas-key:{key}", "qaas-part:2/4", "qaas-label:my run"]
    assert part_of(tags(key, None, 3, 4), key, 4) == 3
    assert part_of(tags(key, None, 3, 4), key, 5) is None  # another split of the programs
    assert part_of(tags(key, None, 3, 4), "cd" * 32, 4) is None
    assert part_of(["qaas-part:1/4"], key, 4) is None


def test_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SCW_QAAS_RESUME", raising=False)
    assert resume_mode() == "auto"
    assert resume_mode(True) == "local" and resume_mode(False) == "off" and resume_mode("service") == "service"
    monkeypatch.setenv("SCW_QAAS_RESUME", "Service")
    assert resume_mode() == "service"
    assert resume_mode("off") == "off"  # the argument wins
    monkeypatch.setenv("SCW_QAAS_RESUME", "sometimes")
    with pytest.raises(ConfigurationError, match=r"SCW_QAAS_RESUME='sometimes' is not a resume mode: use one of"):
        resume_mode()
    with pytest.raises(ConfigurationError, match=r"resume='later' is not a resume mode"):
        resume_mode("later")
    monkeypatch.delenv("SCW_QAAS_JOURNAL")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert journal_path() == tmp_path / "scaleway-qaas" / "journal.sqlite"
    monkeypatch.setenv("SCW_QAAS_JOURNAL", "~/j.sqlite")
    assert journal_path() == Path.home() / "j.sqlite"


def _claim(journal: Journal, key: str = "k" * 64, n_parts: int = 2) -> tuple[Any, str]:
    return journal.claim(*SCOPE, key, None, "QPU-GARNET-20PQ", n_parts)


def test_a_held_entry_is_a_deliberate_repeat_a_released_one_is_resumed(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    first, how = _claim(journal)
    assert how == "new" and first.owner == owner_token()
    journal.record(first.id, Part(0, "job-0", "s", (0, 1)))
    second, how = _claim(journal)  # the first is held by a live job of this process: a separate run
    assert how == "new" and second.id != first.id
    release(str(journal.path), first.id)
    again, how = _claim(journal)
    assert how == "resumed" and again.id == first.id
    assert again.parts == {0: Part(0, "job-0", "s", (0, 1))}
    journal.delivered(first.id)
    release(str(journal.path), second.id)
    assert _claim(journal)[0].id == second.id  # the undelivered one
    journal.delivered(second.id)
    third, how = _claim(journal)
    assert how == "new" and third.id not in (first.id, second.id)
    assert _claim(journal, n_parts=3)[1] == "new"  # another split is another run
    assert journal.clear("k") == 4 and journal.entries() == []


CLAIM = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from scaleway_qaas.core.journal import Journal
    entry, how = Journal(Path(sys.argv[1])).claim("{api}", "{project}", "k" * 64, None, "QPU-GARNET-20PQ", 2)
    print(how, entry.id, flush=True)
    time.sleep(float(sys.argv[2]))
    """
).format(api=SCOPE[0], project=SCOPE[1])


def _claimers(path: Path, count: int, linger: float) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", CLAIM, str(path), str(linger)]
    return [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) for _ in range(count)]


def test_concurrent_processes_claim_a_run_once(tmp_path: Path) -> None:
    procs = _claimers(tmp_path / "j.sqlite", 4, 60.0)
    answers = [p.stdout.readline().split() for p in procs if p.stdout]
    assert sorted(how for how, _ in answers) == ["new", "shared", "shared", "shared"]
    assert len({entry for _, entry in answers}) == 1
    entry, how = _claim(Journal(tmp_path / "j.sqlite"))
    assert how == "shared"  # its owner still runs
    for p in procs:
        p.kill()
        p.wait()
    entry, how = _claim(Journal(tmp_path / "j.sqlite"))
    assert how == "resumed" and entry.owner == owner_token()  # its owner is gone: ours now


def test_owner_liveness() -> None:
    assert is_alive(owner_token())
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    token = owner_token().replace(f"|{os.getpid()}|", f"|{proc.pid}|")
    proc.wait()
    assert not is_alive(token)
    assert not is_alive("another-host|1|1")


def test_a_forked_child_does_not_hold_its_parents_runs(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    _claim(journal)  # held by this process
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent still runs the entry, so it is shared, not repeated
        try:
            os.write(write, _claim(journal)[1].encode())
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 20) == b"shared"

"""``scaleway-qaas emulator``: serve the local QaaS API until interrupted.

Listening beyond loopback (``--host 0.0.0.0``) without ``--token``, it accepts only a secret key it
draws at start, printed with a project id as ``SCW_SECRET_KEY=... SCW_PROJECT_ID=...`` (as Jupyter
prints its token): nobody else on the network gets in with a made-up key.

Mount it as a subcommand with :func:`add_emulator_arguments` and
:func:`run_from_args`, or run ``python -m scaleway_qaas.emulator``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .faults import MODES, FaultConfig
from .server import Emulator
from .worker import JOB_DEADLINE, LONG_POLL


def add_emulator_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (0: any free port; default 8080)")
    parser.add_argument("--db", default=":memory:", help="SQLite file keeping state across restarts")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="SECRET=PROJECT_ID",
        help="accept only these secret keys, each bound to a project (repeatable); default: any key on "
        "loopback, a drawn key (printed at start) beyond it",
    )
    parser.add_argument("--fault-rate", type=float, default=0.0, help="fraction of requests to fail (0..1)")
    parser.add_argument(
        "--fault-modes", default=",".join(MODES), help=f"comma-separated fault modes among {', '.join(MODES)}"
    )
    parser.add_argument("--fault-delay", type=float, default=0.2, help="seconds of the 'delay' fault")
    parser.add_argument("--seed", type=int, default=None, help="seed of fault injection and of unseeded jobs")
    parser.add_argument(
        "--workers",
        type=_at_least_one("engine processes"),
        default=None,
        help="engine processes simulating jobs side by side (default: CPU cores)",
    )
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=None,
        metavar="GIB",
        help="refuse jobs whose state vector needs more GiB than this (default: the machine's memory)",
    )
    parser.add_argument(
        "--job-deadline",
        type=float,
        default=JOB_DEADLINE,
        metavar="SECONDS",
        help=f"a simulation running longer fails its job and its engine is replaced (default {JOB_DEADLINE:g})",
    )
    parser.add_argument("--session-start-delay", type=float, default=0.05, help="seconds a session stays 'starting'")
    parser.add_argument(
        "--inline-result-bytes", type=int, default=1_000_000, help="results above this size are served by URL"
    )
    parser.add_argument(
        "--page-size-cap",
        type=_at_least_one("items"),
        default=None,
        metavar="N",
        help="answer lists with at most N items per page, whatever page_size asks (a capping server)",
    )
    parser.add_argument(
        "--record", default=None, metavar="FILE", help="append every POST/PATCH/PUT body received to FILE (JSON lines)"
    )
    parser.add_argument(
        "--storage-port", type=int, default=0, help="TCP port of the result storage endpoint (default: any free port)"
    )
    parser.add_argument(
        "--long-poll",
        type=float,
        default=LONG_POLL,
        metavar="SECONDS",
        help=f"how long a status read may wait for a job about to finish (default {LONG_POLL}; "
        "0: answer at once, as the real service does)",
    )


def _at_least_one(what: str) -> Callable[[str], int]:
    """An argument type: a whole number of ``what``, at least 1."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected a whole number of {what}, at least 1; got {text!r}")
        return value

    return parse


def _tokens(pairs: Sequence[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    tokens = {}
    for pair in pairs:
        secret, sep, project = pair.partition("=")
        if not sep or not secret or not project:
            raise SystemExit(f"--token expects SECRET=PROJECT_ID, got {pair.split('=')[0][:4]}...")
        tokens[secret] = project
    return tokens


def run_from_args(args: argparse.Namespace) -> int:
    """Start the emulator from parsed arguments, print its URL, serve until Ctrl-C."""
    faults = None
    if args.fault_rate > 0:
        modes = tuple(m.strip() for m in args.fault_modes.split(",") if m.strip())
        try:
            faults = FaultConfig(rate=args.fault_rate, modes=modes, seed=args.seed or 0, delay=args.fault_delay)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
    if not args.job_deadline > 0:
        raise SystemExit(f"--job-deadline must be a positive number of seconds, got {args.job_deadline:g}")
    emulator = Emulator(
        host=args.host,
        port=args.port,
        db=args.db,
        tokens=_tokens(args.token),
        session_start_delay=args.session_start_delay,
        faults=faults,
        seed=args.seed,
        workers=args.workers,
        memory_limit=int(args.memory_limit * 2**30) if args.memory_limit else None,
        inline_result_bytes=args.inline_result_bytes,
        storage_port=args.storage_port,
        job_deadline=args.job_deadline,
        long_poll=args.long_poll,
        record=args.record or False,
        page_size_cap=args.page_size_cap,
    )
    url = emulator.start()
    print(f"Scaleway QaaS emulator listening on {url}  (SCW_API_URL={url}; Ctrl-C to stop)", flush=True)
    if emulator.credentials is not None:
        secret, project = emulator.credentials
        print(
            f"Listening beyond loopback: only this key is accepted: SCW_SECRET_KEY={secret} SCW_PROJECT_ID={project}",
            flush=True,
        )
    print(f"Large results are served by presigned URLs from {emulator.storage.base_url}", flush=True)
    emulator.serve_forever()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scaleway-qaas emulator", description=__doc__.splitlines()[0])
    add_emulator_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

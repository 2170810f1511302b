"""Argument parsing, dispatch and error reporting of ``scaleway-qaas``.

Exit codes: 0 success; 1 user error (bad arguments, missing credentials,
unknown platform or id, bad file, refused request); 2 service error (the
service failed or could not be reached); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ..__about__ import __version__
from .context import Context, UsageError

Handler = Callable[[Context], int]
_COMMON_DEFAULTS: dict[str, Any] = {
    "url": None,
    "project_id": None,
    "secret_key": None,
    "profile": None,
    "debug": False,
}


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors exit with code 1 through :func:`main`."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand."""
    common = _Parser(add_help=False)
    s = argparse.SUPPRESS
    group = common.add_argument_group("connection and output")
    group.add_argument(
        "--url", default=s, help="API URL (default: $SCW_API_URL, config file, https://api.scaleway.com)"
    )
    group.add_argument("--project-id", default=s, help="project id (default: $SCW_PROJECT_ID, config file)")
    group.add_argument("--secret-key", default=s, help="secret key (default: $SCW_SECRET_KEY, config file)")
    group.add_argument("--profile", default=s, help="profile of the Scaleway config file (default: $SCW_PROFILE)")
    group.add_argument("--debug", action="store_true", default=s, help="show tracebacks and HTTP logs")
    return common


def _handler(target: str) -> dict[str, str]:
    return {"handler": target}


def build_parser() -> argparse.ArgumentParser:
    """The full parser (subcommand modules are imported only when run)."""
    common = _common_options()
    parser = _Parser(
        prog="scaleway-qaas",
        description="Run quantum programs on Scaleway QaaS, or on its local emulator.",
        parents=[common],
    )
    parser.set_defaults(handler=None)  # not the common options: their actions are shared with the subparsers
    parser.add_argument("--version", action="version", version=f"scaleway-qaas {__version__}")
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")

    def add(parent: Any, name: str, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(
            name, help=help_text, description=help_text, parents=[common], **kwargs
        )
        return p

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print JSON (for scripts) instead of tables")

    p = add(sub, "platforms", "list the platforms (simulators and QPUs) with their limits and published prices")
    p.add_argument("--type", choices=("simulator", "qpu"), help="only this type of platform")
    p.add_argument("--min-qubits", type=int, default=0, metavar="N", help="only platforms with at least N qubits")
    json_flag(p)
    p.set_defaults(**_handler("resources:platforms"))

    sessions = add(sub, "sessions", "list, terminate or delete sessions")
    sessions.set_defaults(**_handler("resources:missing_subcommand"))
    ssub = sessions.add_subparsers(title="session commands", dest="action", metavar="ACTION")
    p = add(ssub, "list", "list the sessions of the project")
    p.add_argument("--platform", metavar="NAME", help="only sessions on this platform")
    p.add_argument("--status", choices=("starting", "running", "stopping", "stopped"), help="only this status")
    json_flag(p)
    p.set_defaults(**_handler("resources:sessions_list"))
    p = add(ssub, "terminate", "terminate sessions (stops their billing; waiting jobs are cancelled)")
    p.add_argument("ids", nargs="*", metavar="ID", help="session ids")
    p.add_argument("--all", action="store_true", help="terminate every open session (of --platform)")
    p.add_argument("--platform", metavar="NAME", help="with --all: only sessions on this platform")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    json_flag(p)
    p.set_defaults(**_handler("resources:sessions_terminate"))
    p = add(ssub, "delete", "delete a session and its jobs")
    p.add_argument("id", metavar="ID")
    p.set_defaults(**_handler("resources:sessions_delete"))

    jobs = add(sub, "jobs", "list, inspect, cancel jobs and read their results")
    jobs.set_defaults(**_handler("resources:missing_subcommand"))
    jsub = jobs.add_subparsers(title="job commands", dest="action", metavar="ACTION")

    def run_flags(p: argparse.ArgumentParser, *first: str) -> None:
        which = p.add_mutually_exclusive_group(required=True)
        for flag in first:
            which.add_argument(flag, metavar="ID", help="session id" if flag == "--session" else "job id")
        which.add_argument("--key", metavar="KEY", help="the run with this content key (docs/resume.md)")
        which.add_argument("--label", metavar="LABEL", help="the runs submitted with label=LABEL")

    p = add(jsub, "list", "list the jobs of a session, or of a run (by content key or label)")
    run_flags(p, "--session")
    json_flag(p)
    p.set_defaults(**_handler("resources:jobs_list"))
    p = add(jsub, "show", "status, progress message, duration and results summary of a job")
    p.add_argument("id", metavar="ID")
    json_flag(p)
    p.set_defaults(**_handler("resources:jobs_show"))
    p = add(jsub, "cancel", "cancel a job")
    p.add_argument("id", metavar="ID")
    json_flag(p)
    p.set_defaults(**_handler("resources:jobs_cancel"))
    p = add(jsub, "results", "counts of each program of a finished job, or of a run (by content key or label)")
    p.add_argument("id", metavar="ID", nargs="?", help="job id (several ids joined by commas are one submission)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--key", metavar="KEY", help="the run with this content key (docs/resume.md)")
    which.add_argument("--label", metavar="LABEL", help="the one run submitted with label=LABEL")
    json_flag(p)
    p.set_defaults(**_handler("resources:jobs_results"))

    journal = add(sub, "journal", "the local journal of submissions that lets a rerun reattach (docs/resume.md)")
    journal.set_defaults(**_handler("resources:missing_subcommand"))
    rsub = journal.add_subparsers(title="journal commands", dest="action", metavar="ACTION")
    p = add(rsub, "list", "the runs it knows: content key, label, jobs, whether their results were delivered")
    p.add_argument("--key", metavar="KEY", help="only the runs of this key (or key prefix)")
    p.add_argument("--label", metavar="LABEL", help="only the runs of this label")
    json_flag(p)
    p.set_defaults(**_handler("runs:journal_list"))
    p = add(rsub, "clear", "forget its runs (all, or one key): their reruns submit again; nothing is sent")
    p.add_argument("--key", metavar="KEY", help="only the runs of this key (or key prefix)")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(**_handler("runs:journal_clear"))

    p = add(sub, "run", "run an OpenQASM 2 or 3 file and print its counts")
    p.add_argument("file", metavar="FILE.qasm", help="OpenQASM 2 or 3 program ('-' reads stdin)")
    p.add_argument("--platform", required=True, metavar="NAME", help="e.g. EMU-AER-16C-128M")
    p.add_argument("--shots", type=int, default=1000, metavar="N", help="number of shots (default 1000)")
    p.add_argument("--wait", action="store_true", help="print the job and session ids, then the session terminated")
    p.add_argument("--dry-run", action="store_true", help="validate and print the cost estimate; send nothing")
    p.add_argument(
        "--max-cost",
        type=float,
        metavar="EUR",
        help="refuse, before anything is billed, a run whose estimated cost exceeds EUR",
    )
    p.add_argument("--top", type=int, default=32, metavar="K", help="show the K most frequent outcomes (default 32)")
    json_flag(p)
    p.set_defaults(**_handler("run:run"))

    p = add(sub, "emulator", "serve the local QaaS emulator (see 'scaleway-qaas emulator --help')", add_help=False)
    p.set_defaults(**_handler("misc:emulator"))

    p = add(sub, "demo", "run one GHZ circuit through CUDA-Q, Qiskit, PennyLane and Cirq on the local emulator")
    p.add_argument("--shots", type=int, default=1000, metavar="N", help="shots per framework (default 1000)")
    p.set_defaults(**_handler("misc:demo"))

    config = add(sub, "config", "show the resolved configuration")
    config.set_defaults(**_handler("resources:missing_subcommand"))
    csub = config.add_subparsers(title="config commands", dest="action", metavar="ACTION")
    p = add(csub, "show", "where each setting comes from (the secret key is redacted)")
    json_flag(p)
    p.set_defaults(**_handler("misc:config_show"))
    return parser


def _resolve(target: str) -> Handler:
    module, _, name = target.partition(":")
    handler: Handler = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    return handler


def exit_code(exc: BaseException) -> int:
    """1 for errors of the user, 2 for failures of the service."""
    from ..errors import RateLimitedError, ServerError

    return 2 if isinstance(exc, ServerError | RateLimitedError) else 1


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _report(exc: BaseException, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    print(f"error: {_one_line(str(exc)) or type(exc).__name__}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``scaleway-qaas`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    from ..errors import QaaSError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv[: argv.index("--") if "--" in argv else len(argv)]
    ctx: Context | None = None
    try:
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        if extra and args.command != "emulator":
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.extra = extra
        for key, value in _COMMON_DEFAULTS.items():
            if not hasattr(args, key):
                setattr(args, key, value)
        debug = bool(args.debug)
        if args.handler is None:
            parser.print_help(sys.stderr)
            return 1
        if debug:
            import logging

            logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
        ctx = Context(args)
        return _resolve(args.handler)(ctx)
    except UsageError as exc:
        _report(exc, debug)
        return 1
    except QaaSError as exc:
        _report(exc, debug)
        return exit_code(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug: still one line unless --debug
        _report(exc, debug)
        if not debug:
            print("(unexpected error; run again with --debug for the traceback)", file=sys.stderr)
        return 2
    finally:
        if ctx is not None:
            ctx.close()

"""``python -m benchmarks [--quick] [--only NAME ...] [--json PATH]``: run, print tables, write JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import platform
import sys
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

from .common import Context, failed
from .summary import print_summary

BENCHMARKS = [
    "imports",
    "latency",
    "sweep",
    "concurrency",
    "translation",
    "overhead",
    "scaling",
    "firstresult",
    "throughput",
    "hop",
    "sweepscale",
    "onejob",
]
RESULTS = Path(__file__).parent / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (< 3 minutes)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only these benchmarks ({', '.join(BENCHMARKS)})",
    )
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="where to write all figures")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    warnings.filterwarnings("ignore")  # framework deprecation chatter would drown the tables
    logging.getLogger("scaleway_qaas").setLevel(logging.ERROR)
    from scaleway_qaas.emulator import Emulator

    secret, project = str(uuid.uuid4()), str(uuid.uuid4())
    report: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": args.quick,
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
        "benchmarks": {},
    }
    start = time.perf_counter()
    with Emulator(tokens={secret: project}, seed=1) as emulator:
        ctx = Context(url=emulator.url, project_id=project, secret_key=secret, quick=args.quick)
        try:
            for name in args.only or BENCHMARKS:
                began = time.perf_counter()
                try:
                    report["benchmarks"][name] = importlib.import_module(f".{name}", __package__).run(ctx)
                except Exception as exc:  # one broken benchmark must not hide the others
                    print(f"\n{name}: {failed(exc)}")
                    report["benchmarks"][name] = {"status": failed(exc)}
                report["benchmarks"][name]["elapsed_s"] = time.perf_counter() - began
        finally:
            ctx.close()
    print_summary(report["benchmarks"])
    report["elapsed_s"] = time.perf_counter() - start
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwrote {args.json} ({report['elapsed_s']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

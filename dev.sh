#!/usr/bin/env bash
# Set up the project in .venv (from pyproject.toml + constraints.txt) and run one job:
#   ./dev.sh demo    the local emulator plus one GHZ program through CUDA-Q, Qiskit, PennyLane and Cirq
#   ./dev.sh test    ruff, ruff format --check, mypy (strict), the docs site (strict) and the whole test suite (CI)
#   ./dev.sh docs    the documentation site (mkdocs, into site/); ./dev.sh docs serve: live preview
#   ./dev.sh bench   the benchmarks (tables + benchmarks/results/*.json)
#   ./dev.sh pythons the core's unit tests on every other Python 3.11+ found (PATH or pyenv)
#   ./dev.sh setup   only the set-up
set -euo pipefail
cd "$(dirname "$0")"

pick_python() {
  for py in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$py"; return
    fi
  done
  echo "error: Python 3.11 or newer is required" >&2; exit 1
}

setup() {
  if [ ! -x .venv/bin/python ]; then
    "$(pick_python)" -m venv .venv
  fi
  # a stamp avoids re-resolving several GB of wheels when nothing changed
  stamp=.venv/.installed-$(cat pyproject.toml constraints.txt requirements-official.txt | cksum | cut -d' ' -f1)
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test,docs]"
    # the official Scaleway clients, for tests/official and the benchmarks (their metadata asks for Python 3.12);
    # cirq-scaleway pins pandas==2.3.1 without using pandas, so it goes in on its own without dependencies
    .venv/bin/python -m pip install --quiet --ignore-requires-python -c constraints.txt -r requirements-official.txt
    .venv/bin/python -m pip install --quiet --ignore-requires-python --no-deps -c constraints.txt cirq-scaleway
    rm -f .venv/.installed-*; touch "$stamp"
  fi
}

case "${1:-demo}" in
  setup) setup ;;
  demo)  setup; exec .venv/bin/scaleway-qaas demo ;;
  test)  setup
         .venv/bin/ruff check scaleway_qaas tests benchmarks
         .venv/bin/ruff format --check scaleway_qaas tests benchmarks
         .venv/bin/mypy
         site=$(mktemp -d); NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet --site-dir "$site"; rm -rf "$site"
         exec .venv/bin/python -m pytest -q ;;
  docs)  setup
         if [ "${2:-build}" = serve ]; then NO_MKDOCS_2_WARNING=1 exec .venv/bin/mkdocs serve; fi
         NO_MKDOCS_2_WARNING=1 exec .venv/bin/mkdocs build --strict ;;
  bench) setup; exec .venv/bin/python -m benchmarks "${@:2}" ;;
  pythons)
    found=0; seen=" "
    for py in $(ls -d "$HOME"/.pyenv/versions/3.*/bin/python3 2>/dev/null) python3.11 python3.12 python3.13 python3.14; do
      command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || continue
      venv=".venv-$("$py" -c 'import platform; print(platform.python_version())')"
      case "$seen" in *" $venv "*) continue ;; esac; seen="$seen$venv "
      [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet -e . pytest pytest-asyncio pytest-timeout hypothesis
      echo "== $("$venv/bin/python" --version)"
      "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/core/test_config.py tests/core/test_durations.py \
        tests/core/test_transport.py tests/core/test_polling.py
      found=$((found + 1))
    done
    echo "core unit tests run on $found interpreter(s)" ;;
  *) echo "usage: ./dev.sh [demo|test|docs|bench|pythons|setup]" >&2; exit 1 ;;
esac

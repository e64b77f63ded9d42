#!/usr/bin/env bash
# Build the one-folder TalentDesk program with PyInstaller (build.spec) into dist/TalentDesk/.
# Works on Windows (Git Bash) and Linux. Options go to pyinstaller, e.g. --distpath DIR --workpath DIR.
# Python: $PYTHON_BIN, else .venv (created and filled with the package and PyInstaller if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON_BIN:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python
  elif [ -x .venv/Scripts/python.exe ]; then PY=.venv/Scripts/python.exe
  else
    "${PYTHON:-python3}" -m venv .venv
    PY=.venv/bin/python; [ -x "$PY" ] || PY=.venv/Scripts/python.exe
  fi
fi
if ! "$PY" -c "import PyInstaller, talentdesk" 2>/dev/null; then
  "$PY" -m pip install -q --upgrade pip >/dev/null
  "$PY" -m pip install -q -e ".[dev]"
fi
# the icon is committed; redraw it only if it is missing
if [ ! -f resources/icons/talentdesk.ico ]; then QT_QPA_PLATFORM=offscreen "$PY" resources/icons/make_icons.py; fi
exec "$PY" -m PyInstaller --noconfirm --log-level "${PYI_LOG_LEVEL:-WARN}" "$@" build.spec

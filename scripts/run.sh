#!/usr/bin/env bash
# Install TalentDesk into .venv and start it on the embedded SQLite database.
# With a demo database: bash scripts/run.sh --demo
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
.venv/bin/talentdesk init
if [ "${1:-}" = "--demo" ] && .venv/bin/talentdesk demo --help >/dev/null 2>&1; then
  .venv/bin/talentdesk demo --if-empty
fi
exec .venv/bin/talentdesk

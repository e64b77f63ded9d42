#!/usr/bin/env bash
# Install TalentDesk into .venv and start it on the embedded SQLite database.
#   bash scripts/run.sh            the desktop application
#   bash scripts/run.sh --demo     first fill an empty database with the demo data
# Other options go to talentdesk (e.g. --db FILE, --smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
args=()
demo=0
for a in "$@"; do
  if [ "$a" = "--demo" ]; then demo=1; else args+=("$a"); fi
done
db=()
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--db" ]; then db=(--db "${args[$((i + 1))]}"); fi
done
.venv/bin/talentdesk "${db[@]}" init
if [ "$demo" = 1 ]; then
  .venv/bin/talentdesk "${db[@]}" demo --if-empty
fi
exec .venv/bin/talentdesk "${args[@]}"

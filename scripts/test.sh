#!/usr/bin/env bash
# Run the whole test suite on SQLite and (when Debian's postgresql is installed) PostgreSQL.
# Creates .venv on first use. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"
if [ -z "${TALENTDESK_TEST_PG_URL:-}" ]; then
  eval "$(bash scripts/start-test-postgres.sh)"
fi
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -n 2 -p no:cacheprovider "$@"

#!/usr/bin/env bash
# CI check that build.spec still makes a working program: build into a temp folder, then
#   1. talentdesk-cli --version                     (prints the package version)
#   2. talentdesk-cli init / demo --size 40 / audit verify   (migrations, policy packs, services bundled)
#   3. TalentDesk --smoke offscreen on that database (opens the main window, visits every page, quits)
# Prints the build time and the folder size. Any failure exits non-zero with a message.
# Python: $PYTHON_BIN, else .venv (see scripts/build.sh). Keeps the folder with KEEP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "BUILD SMOKE FAILED: $*" >&2; exit 1; }
# what Qt needs offscreen (libGL, libEGL, xkbcommon, a CJK font): installed when missing
if [ -f scripts/install-system-deps.sh ]; then bash scripts/install-system-deps.sh; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/talentdesk-build.XXXXXX")
cleanup() { if [ "${KEEP_BUILD:-0}" != "1" ]; then rm -rf "$TMP"; else echo "build kept in $TMP"; fi; }
trap cleanup EXIT

start=$(date +%s)
bash scripts/build.sh --distpath "$TMP/dist" --workpath "$TMP/build" >"$TMP/pyinstaller.log" 2>&1 \
  || { tail -n 60 "$TMP/pyinstaller.log" >&2; fail "pyinstaller build.spec failed (log above)"; }
build_s=$(( $(date +%s) - start ))

APPDIR="$TMP/dist/TalentDesk"
CLI="$APPDIR/talentdesk-cli"; GUI="$APPDIR/TalentDesk"
[ -x "$CLI.exe" ] && CLI="$CLI.exe"; [ -x "$GUI.exe" ] && GUI="$GUI.exe"
[ -x "$CLI" ] || fail "no CLI executable at $CLI"
[ -x "$GUI" ] || fail "no GUI executable at $GUI"
for must in resources/policies/alxa-2023.yaml resources/fonts/gbsn00lp.ttf resources/icons/talentdesk.png \
            talentdesk/models/migrations/env.py; do
  [ -f "$APPDIR/_internal/$must" ] || fail "missing in the bundle: _internal/$must"
done

export TALENTDESK_HOME="$TMP/home" QT_QPA_PLATFORM=offscreen
unset TALENTDESK_DB TALENTDESK_USER TALENTDESK_PASSWORD
DB="$TMP/home/smoke.sqlite3"
want=$(grep -oE '__version__ = "[^"]+"' talentdesk/__init__.py | cut -d'"' -f2)
got=$(timeout 60 "$CLI" --version) || fail "talentdesk-cli --version exited with $?"
echo "$got" | grep -qF "$want" || fail "talentdesk-cli --version printed '$got', expected $want"
echo "cli: $got"
timeout 120 "$CLI" --db "$DB" init >/dev/null || fail "talentdesk-cli init failed"
timeout 300 "$CLI" --db "$DB" demo --size 40 --seed 1 || fail "talentdesk-cli demo failed"
timeout 120 "$CLI" --db "$DB" audit verify || fail "talentdesk-cli audit verify failed"
timeout 120 "$CLI" --db "$DB" --json talent list >/dev/null || fail "talentdesk-cli talent list failed"
# the libraries behind the outputs and the import (xlsxwriter/openpyxl, reportlab + bundled font, calamine)
timeout 120 "$CLI" --db "$DB" export ledger --kind talents --full "$TMP/talents.xlsx" || fail "export talents ledger failed"  # full numbers: imported again below
timeout 120 "$CLI" --db "$DB" export ledger --kind disbursement --year 2025 "$TMP/ledger.xlsx" \
  || fail "export disbursement ledger failed"
timeout 120 "$CLI" --db "$DB" print approval --benefit settlement_allowance "$TMP/forms.pdf" || fail "print approval failed"
[ "$(head -c 4 "$TMP/forms.pdf")" = "%PDF" ] || fail "print approval did not write a PDF"
timeout 120 "$CLI" --db "$DB" import roster "$TMP/talents.xlsx" --dry-run >/dev/null || fail "import roster --dry-run failed"

gstart=$(date +%s)
out=$(timeout 180 "$GUI" --smoke --db "$DB" 2>&1) || { echo "$out" >&2; fail "TalentDesk --smoke exited non-zero"; }
echo "$out" | grep -q "smoke ok" || { echo "$out" >&2; fail "TalentDesk --smoke did not report 'smoke ok'"; }
echo "gui: smoke ok in $(( $(date +%s) - gstart )) s"

size=$(du -sh "$APPDIR" | cut -f1)
files=$(find "$APPDIR" -type f | wc -l)
echo "build smoke ok: built in ${build_s} s; folder $size in $files files"

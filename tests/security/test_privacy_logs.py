"""Issue 15: the log keeps no full ID numbers or phone numbers, not even in tracebacks
of database errors; SQLAlchemy's error text names no parameters."""

import logging
import os
import stat
import sys

import pytest
from sqlalchemy.exc import IntegrityError

from talentdesk import logscrub
from talentdesk.domain import idcard
from talentdesk.models.entities import Setting

ID = idcard.make("152921", __import__("datetime").date(1990, 5, 17), 123)
PHONE = "13812348000"


def _insert_twice(db):
    with db.write() as s:
        s.add(Setting(key="k-" + ID, value=PHONE))
    with db.write() as s:
        s.add(Setting(key="k-" + ID, value=PHONE))


def test_database_errors_do_not_carry_the_parameters(db):
    with pytest.raises(IntegrityError) as raised:
        _insert_twice(db)
    text = str(raised.value)
    assert "SQL parameters hidden" in text and PHONE not in text
    # PostgreSQL's own DETAIL names the duplicate key; the log filter masks it.
    assert ID not in logscrub.scrub(text)


def test_scrub_masks_id_and_phone_numbers():
    assert logscrub.scrub(f"id={ID}, tel {PHONE}.") == f"id={ID[:6]}********{ID[-4:]}, tel 138****8000."
    assert logscrub.scrub("order 20261203123456789012 stays") == "order 20261203123456789012 stays"


@pytest.fixture
def log_file(tmp_path):
    from talentdesk.ui import errors

    root = logging.getLogger("talentdesk")
    old = list(root.handlers)
    errors.setup_logging()
    path = errors.log_file()
    yield path
    for h in root.handlers:
        if h not in old:
            h.close()
            root.removeHandler(h)


def test_the_log_file_masks_messages_arguments_and_tracebacks(db, log_file):
    log = logging.getLogger("talentdesk.ui")
    log.info("talent %s phone %s", ID, PHONE)
    log.warning(f"inline {ID}")
    try:
        raise ValueError(f"bad row {ID} {PHONE}")
    except ValueError:
        log.exception("import failed")
    try:
        _insert_twice(db)
    except IntegrityError:
        log.error("unexpected error", exc_info=True)
    for h in logging.getLogger("talentdesk").handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "import failed" in text and "ValueError" in text and "IntegrityError" in text
    assert ID not in text and PHONE not in text
    assert ID[:6] + "********" + ID[-4:] in text


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_the_log_file_is_owner_only(log_file):
    logging.getLogger("talentdesk.ui").warning("hello")
    assert stat.S_IMODE(os.stat(log_file).st_mode) == 0o600


def test_the_error_dialog_details_are_scrubbed(qtbot):
    from talentdesk.ui.errors import ErrorDialog

    exc = RuntimeError(f"row {ID}")
    dlg = ErrorDialog(exc, f"Traceback ...\nRuntimeError: row {ID} {PHONE}\n")
    qtbot.addWidget(dlg)
    assert ID not in dlg.details and PHONE not in dlg.details
    assert ID not in dlg.text.toPlainText()

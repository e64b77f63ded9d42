"""The PySide6 desktop application (人才服务台账). Qt only: it calls services, never SQL.

Contract for page authors
=========================

The main window (``talentdesk.ui.main_window.MainWindow``) shows a navigation list on the
left and one page at a time. Page keys, titles and modules::

    dashboard   首页       talentdesk.ui.overview.dashboard
    talents     人才库     talentdesk.ui.talents          (built in, by the shell)
    employers   用人单位   talentdesk.ui.register.employers
    recognitions 人才认定  talentdesk.ui.register.recognitions
    agreements  服务协议   talentdesk.ui.benefits.agreements
    payments    待遇发放   talentdesk.ui.benefits.payments
    reviews     年度考核   talentdesk.ui.benefits.reviews
    departures  离职追回   talentdesk.ui.benefits.departures
    budget      资金测算   talentdesk.ui.finance.budget
    reports     报表打印   talentdesk.ui.overview.reports
    settings    系统设置   talentdesk.ui.office.settings
    care        人才服务   talentdesk.ui.care.page

A page module exposes ``class Page(QWidget)``:

- ``__init__(self, env, parent=None)``: ``env`` is the ``talentdesk.ui.env.UiEnv``;
- ``title``: a class attribute, the Chinese page title;
- optional ``refresh()``: called each time the page is shown (and after ``data_changed``
  while it is visible, if the page connects that itself);
- optional ``apply_filters(**filters)``: called by ``env.navigate(key, **filters)``, e.g.
  ``env.navigate("payments", status="scheduled", talent="110101199001011234")``;
  人才库 takes ``search``, ``district``, ``employer``, ``education``, ``policy_id``,
  ``status``, ``year`` and ``id_number`` (selects that talent);
- optional ``can_leave() -> bool``: asked before switching away or closing the window
  (a page with unsaved edits asks the clerk, ``env.confirm``); ``focus_search()``: where
  Ctrl+F goes; ``save_state()``: called when the window closes (column widths …).

The security package may expose ``install_menu(window, env)``: called once to add its
entries (user admin, audit viewer, backups) to ``window.m_system`` (the 系统 menu).

Pages are created lazily, the first time they are shown. A module that does not exist
yet shows a neat placeholder; a module that fails to import or construct shows the
error on the page and in the log, and the rest of the application keeps working.

``UiEnv`` (one per window) gives a page everything it needs:

- ``env.ctx``: the ``ServiceContext`` of the logged-in user (pass it to services);
- ``env.qsettings``: ``QSettings`` (an ini file in the platform config folder;
  ``TALENTDESK_HOME`` redirects it in tests); ``env.last_folder()`` /
  ``env.remember_folder(path)`` for file dialogs;
- ``env.run_op(title, fn, on_done, *, write=False, cancellable=True)``: runs
  ``fn(progress, cancelled)`` on a worker thread (``write=True``: the one dedicated
  database-write thread), shows a progress dialog only after ~500 ms, then calls
  ``on_done(result)`` on the GUI thread. ``progress(done, total, text)`` reports,
  ``cancelled()`` tells ``fn`` to stop. A ``TalentDeskError`` becomes a plain Chinese
  message; anything else the one error dialog with copy-details (and the log file).
  Returns an ``Op`` whose ``finished(object)`` / ``failed(object)`` / ``cancelled()``
  signals tests can ``qtbot.waitSignal`` on. Short reads may call services directly.
- ``env.show_error(exc)``, ``env.info(text)``, ``env.confirm(text) -> bool`` (ask before
  anything destructive; tests monkeypatch these three);
- ``env.navigate(page_key, **filters)``, ``env.open_talent(id_number)``;
- signal ``env.data_changed(str entity)``: emit it after a change ("talent", "employer",
  "grant", "installment", "review", "departure", "agreement", "settings", "attachment",
  "import") so other pages refresh; listen to it to stay current.

Visible text goes through ``talentdesk.ui.i18n.tr``. Fonts, high-DPI and the error hooks
are set up by ``talentdesk.ui.app``; ``talentdesk.ui.app.run(argv)`` starts everything
(``--smoke`` opens the main window offscreen, visits every page and quits).
"""

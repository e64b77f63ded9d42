"""人才库: the talent library page (paged table over the database, search, filters,
detail pane with the edit form, attachments and history)."""

from talentdesk.ui.talents.page import Page

__all__ = ["Page"]

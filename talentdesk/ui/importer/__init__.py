"""The 导入花名册 wizard (wraps ``talentdesk.services.exchange.importer``)."""

from talentdesk.ui.importer.wizard import ImportWizard

__all__ = ["ImportWizard"]

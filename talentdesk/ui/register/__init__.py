"""用人单位 and 失信名单: the register pages besides 人才库 (talentdesk.ui.talents)."""

"""Read-only figures for the 首页 (dashboard)."""

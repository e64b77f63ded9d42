"""首页 and 报表打印: what the office sees at a glance and prints."""

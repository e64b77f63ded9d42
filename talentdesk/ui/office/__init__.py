"""系统设置 and the office's print details."""

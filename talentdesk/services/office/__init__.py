"""The office itself: users and permissions, settings, the audit trail, backups, integrity and database locations."""

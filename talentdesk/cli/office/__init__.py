"""Commands of the office: database set-up, users, settings, backups, audit."""

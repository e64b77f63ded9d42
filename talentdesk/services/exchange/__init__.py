"""What goes in and out of the record: roster, review and payment imports, ledgers and printed forms, the demo database."""

"""Commands that bring data in or out: imports, ledgers, printed forms, templates, the demo."""

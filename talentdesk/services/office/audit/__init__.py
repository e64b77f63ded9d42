"""The audit trail: the hash chain and its appending (chain), verification and reading (log),
the anchor kept outside the database (anchor), the seals of money rows (seal), the Chinese
texts of events (text) and the export (export)."""

"""Commands of the finance duties: budget lines and the 资金测算."""

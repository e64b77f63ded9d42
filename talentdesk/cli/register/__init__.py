"""Commands of the register: talents."""

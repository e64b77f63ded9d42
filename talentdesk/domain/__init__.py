"""Pure domain vocabulary: no Qt, no database.

- ``roster``: the standard roster columns and value sets (the one schema the import,
  the exports, the CLI and the GUI share).
- ``idcard`` / ``uscc``: validation of resident ID numbers and unified social credit codes.
- ``values``: parsing of typed values from the many ways clerks write them.
- ``money``: integer fen, formatted as yuan only at the edges.
"""

"""The league office and its banners/districts sharing one database (office), and the
exchange packages between offices without a connection (exchange)."""

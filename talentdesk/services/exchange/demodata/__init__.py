"""The demo database's data, one module per subject; ``talentdesk.services.exchange.demo``
builds the database from them."""

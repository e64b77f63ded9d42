"""Pages of the office's services to talents: service cases, visits, flats."""

"""Commands of the benefits: grants and their facts, payments, reviews, departures, policy packs."""

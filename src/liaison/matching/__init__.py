"""Matching: names across scripts, identifiers, candidate keys and scoring (pure)."""

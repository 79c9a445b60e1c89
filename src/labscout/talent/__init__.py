"""Talent discovery: expert search, profiles, moves and flows, warm introductions, measured ranking."""

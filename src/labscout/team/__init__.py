"""Building the team: expected cost and chance per candidate, the best slate under the budget, topic coverage,
and where everyone sits."""

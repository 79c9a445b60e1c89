"""The recruiting pipeline: candidates, activity, outreach, offers, plan and budget, deals, audit, privacy."""

"""The research store: papers, people and organisations derived from the sources."""

"""Domain-free helpers; imports nothing from LabScout."""

"""LabScout: from the research record to people, and from people to hires."""

__version__ = "0.1.0"

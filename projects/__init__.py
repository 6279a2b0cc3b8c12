"""Resident-led projects: a building's own project (a lift retrofit first), run from a template
of phases and approval steps, with its consents, team, meetings, stamps and money."""

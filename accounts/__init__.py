"""The accounts context: users, their roles and blocks, their passwords and bearer tokens."""

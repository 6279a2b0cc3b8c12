"""Steps of 'Reminders' (features/block_leader/reminders.feature); they live with the clock's,
in this folder's conftest.py."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("block_leader/reminders.feature")

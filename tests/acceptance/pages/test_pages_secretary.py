"""Steps of features/secretary/pages_board.feature and pages_people.feature (office_steps.py)."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

from tests.acceptance.pages.office_steps import *  # noqa: F403 - the steps pytest-bdd finds

pytestmark = pytest.mark.browser

scenarios("secretary/pages_board.feature", "secretary/pages_people.feature")

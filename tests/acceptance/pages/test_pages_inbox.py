"""Steps of features/partner/pages_inbox.feature: the clerk's inbox, consent and declining; the
steps are shared with the leader's journey (conftest.py)."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("partner/pages_inbox.feature")

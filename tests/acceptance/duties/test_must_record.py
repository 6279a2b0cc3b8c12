"""Steps of features/block_leader/must_record.feature are in this folder's conftest.py."""

from pytest_bdd import scenarios

scenarios("block_leader/must_record.feature")

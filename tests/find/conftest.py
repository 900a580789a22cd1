"""Fixtures for the find-and-follow tests: the access-matrix world and the post helpers of tests/community.

Imported rather than moved, so tests/community keeps its conftest as it is.
"""

from tests.community.conftest import World, _world, answer, ask, join, world  # noqa: F401

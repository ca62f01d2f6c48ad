"""Deterministic, clearly fictional demo data for local demonstrations: `manage.py seed_demo`.

Every organisation is called "… Demo …", contacts use example.org and Ofcom's drama phone
numbers, and the same records (names, slugs, primary keys) come out on every run."""

from .accounts import (
    DEMO_USERS,
    EDITOR_PASSWORD,
    EDITOR_USERNAME,
    LINK_WORKER_PASSWORD,
    LINK_WORKER_USERNAME,
    MANAGER_PASSWORD,
    MANAGER_USERNAME,
    MODERATOR_PASSWORD,
    MODERATOR_USERNAME,
)
from .plan import DemoDataError
from .seed import SeedResult, seed_demo

__all__ = [
    "DEMO_USERS",
    "EDITOR_PASSWORD",
    "EDITOR_USERNAME",
    "LINK_WORKER_PASSWORD",
    "LINK_WORKER_USERNAME",
    "MANAGER_PASSWORD",
    "MANAGER_USERNAME",
    "MODERATOR_PASSWORD",
    "MODERATOR_USERNAME",
    "DemoDataError",
    "SeedResult",
    "seed_demo",
]

import pytest


def pytest_collection_modifyitems(config, items):
    """Fault tests (a PostgreSQL cluster and gunicorn of their own, about a minute) run only
    when asked for with `-m faults`, as .ci/run does."""
    if "faults" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="fault test: run with `pytest -m faults` (CI does)")
    for item in items:
        if "faults" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    from django.core.cache import cache

    from services.search import live as search_index
    from services.vocabulary_loader import forget_registry

    # Cached vocabularies, rate limits, lookups and the search index never leak from one
    # test to the next.
    cache.clear()
    search_index.forget()
    forget_registry()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def moderator(db):
    from tests.factories import ModeratorFactory

    return ModeratorFactory()

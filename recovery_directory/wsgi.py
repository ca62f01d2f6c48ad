import os

from django.core.wsgi import get_wsgi_application

from recovery_directory.runtime import settle_after_startup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_directory.settings")

application = get_wsgi_application()
settle_after_startup()

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "services"
    verbose_name = "Directory"
    default = True

    def ready(self) -> None:
        from services import checks, signals  # noqa: F401 (checks registers itself)

        signals.connect()


class DirectoryAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the directory's home page (services/admin_site.py). Named in
    INSTALLED_APPS in place of django.contrib.admin."""

    default = False  # "services" itself is ServicesConfig
    default_site = "services.admin_site.DirectoryAdminSite"

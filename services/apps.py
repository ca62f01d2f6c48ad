from django.apps import AppConfig


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "services"
    verbose_name = "Directory"

    def ready(self) -> None:
        from services import signals

        signals.connect()

#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_directory.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load settings now, to report a bad one clearly
    except ImproperlyConfigured as error:
        # Django would otherwise hide this behind "Models aren't loaded yet".
        sys.exit(f"Configuration error: {error} See .env.example and the README.")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

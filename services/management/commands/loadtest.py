from django.core.management.base import BaseCommand, CommandError

from services import bench
from services.loadtest import run


class Command(BaseCommand):
    help = (
        "Serve the app with gunicorn (3 workers, the project's configuration) on a free "
        "127.0.0.1 port, load it with locust for a bounded time and print req/s, percentiles "
        "and failures per kind of request, on the configured database's bench data (loaded "
        "first as `manage.py bench` does, unless already there)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=100_000, help="Bench services.")
        parser.add_argument("--locations", type=int, default=150_000, help="Bench locations.")
        parser.add_argument("--seconds", type=int, default=60, help="Length of each run.")
        parser.add_argument("--users", type=int, default=50, help="Concurrent users.")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
        parser.add_argument("--port", type=int, help="Port to serve on (default: a free one).")
        parser.add_argument(
            "--no-baseline", action="store_false", dest="baseline",
            help="Skip the home-page-only run and the searches-only run measured against it.",
        )  # fmt: skip

    def handle(self, *args, services, locations, seconds, users, workers, port, baseline, **o):
        if not 1 <= seconds <= 3600:
            raise CommandError("--seconds must be between 1 and 3600.")
        if not 5 <= users <= 1000:
            raise CommandError("--users must be between 5 and 1000 (four kinds and a writer).")
        bench.load(services, locations, self.stdout.write)
        try:
            run.run(
                seconds=seconds, users=users, workers=workers, port=port, baseline=baseline,
                out=self.stdout.write,
            )  # fmt: skip
        except RuntimeError as error:
            raise CommandError(str(error)) from error

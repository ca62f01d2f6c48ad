import time

from django.core.management.base import BaseCommand

from recovery_directory.runtime import settle_after_startup
from services import bench


class Command(BaseCommand):
    help = (
        "Load a large synthetic directory (default 100 000 services, 150 000 locations) into "
        "the configured database and print p50/p95 server time and queries per page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--locations", type=int, default=150_000)
        parser.add_argument("--repeat", type=int, default=50, help="Requests per page.")

    def handle(self, *args, services: int, locations: int, repeat: int, **options):
        from django.db import connection

        from services.search import live as search_index

        bench.load(services, locations, self.stdout.write)
        started = time.perf_counter()
        size = len(search_index.current())
        self.stdout.write(
            f"Search index of {size} services built in {time.perf_counter() - started:.1f} s "
            "(once per process; edits are then applied from the change log)."
        )
        settle_after_startup()  # as recovery_directory/wsgi.py does for the real server
        self.stdout.write(f"Database: {connection.vendor}; {repeat} requests per page.")
        self.stdout.write(f"{'page':<42} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for label, url in bench.pages():
            timing = bench.measure(label, url, repeat)
            self.stdout.write(
                f"{timing.label:<42} {timing.p50_ms:>8.1f} {timing.p95_ms:>8.1f} "
                f"{timing.queries:>8}"
            )

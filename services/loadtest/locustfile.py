"""The load `make loadtest` sends (locust, headless), one user class per kind of request.

Each reader class gets the same number of users and sends its next request as soon as the
last one answers, so a kind's req/s against the home page's in the same run says how much
dearer it is under the same load. The request names ("home", "search", ...) group the report.
The plan (service pages, vocabularies, the writer's token) is read from LOADTEST_PLAN, a JSON
file written by services/loadtest/plan.py.
"""

import csv
import json
import os
import random
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, constant, constant_throughput, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
with (Path(__file__).resolve().parent.parent / "data" / "scottish_places.csv").open() as f:
    ROWS = list(csv.DictReader(f))
# Only names of one place: the API answers 400 to a name shared by several ("which one?").
NAMES = Counter(row["name"] for row in ROWS)
PLACES = [(r["name"], r["latitude"], r["longitude"]) for r in ROWS if NAMES[r["name"]] == 1]
RADII_KM = ["2", "5", "10", "25", "50"]
KEYWORDS = ["recovery", "peer", "support", "wellbeing", "walking", "anxiety", "group", "art"]
# Every request either answers or fails within this, like the 10 s timeout.
TIMEOUT_S = 10


def varied_search() -> dict[str, object]:
    """A random Scottish place and radius, 0-3 random filters, and a keyword one time in four."""
    name, latitude, longitude = random.choice(PLACES)
    if random.random() < 0.8:
        params: dict[str, object] = {"near": name}
    else:
        params = {"lat": latitude, "lon": longitude}
    params["radius_km"] = random.choice(RADII_KM)
    vocabularies = {k: v for k, v in PLAN["vocabularies"].items() if v}
    for parameter in random.sample(
        sorted(vocabularies), k=min(random.randint(0, 3), len(vocabularies))
    ):
        params[parameter] = random.choice(vocabularies[parameter])
    if random.random() < 0.25:
        params["q"] = random.choice(KEYWORDS)
    return params


class Reader(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    connection_timeout = TIMEOUT_S
    network_timeout = TIMEOUT_S


class HomePage(Reader):
    @task
    def home(self) -> None:
        self.client.get("/", name="home")


class Search(Reader):
    @task
    def search(self) -> None:
        self.client.get("/search/?" + urlencode(varied_search()), name="search")


class ServicePage(Reader):
    @task
    def service_page(self) -> None:
        self.client.get(random.choice(PLAN["service_pages"]), name="service page")


class ApiServices(Reader):
    @task
    def api_services(self) -> None:
        params = varied_search()
        params["page_size"] = random.choice(["10", "20", "50"])
        self.client.get("/api/v1/services/?" + urlencode(params), name="api services")


class Writer(FastHttpUser):
    """One organisation changing one service a second through the API."""

    fixed_count = 1
    wait_time = constant_throughput(1)
    connection_timeout = TIMEOUT_S
    network_timeout = TIMEOUT_S

    changes = 0

    @task
    def change_service(self) -> None:
        # Alternate between two summaries so that every request is a real change.
        writer = PLAN["writer"]
        self.changes += 1
        summary = writer["summary"] + (" Changed." if self.changes % 2 else "")
        self.client.request(
            "PATCH",
            f"/api/v1/services/{writer['service_id']}/",
            json={"summary": summary},
            headers={"Authorization": f"Token {PLAN['token']}"},
            name="api write",
        )

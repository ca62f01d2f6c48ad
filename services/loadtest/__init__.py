"""`make loadtest`: concurrent load on the served app (gunicorn, as `make run` serves it) with
locust, reported per kind of request. See README, "make loadtest"."""

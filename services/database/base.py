"""Django's PostgreSQL backend, which does not try to connect again within a request after
the database failed to answer in it (services/faults.py): each attempt at a server that is
down or hung costs up to DB_CONNECT_TIMEOUT, and a page would otherwise pay it once for the
cache, once for the rate limit and once for the page. Selected in settings for every
postgresql:// DATABASE_URL; outside web requests it behaves exactly like Django's."""

from django.db.backends.postgresql import base

from services import faults


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        if faults.database_failed():
            raise self.Database.OperationalError(
                "Not connecting again: the database did not answer earlier in this request."
            )
        try:
            return super().get_new_connection(conn_params)
        except self.Database.OperationalError:
            faults.mark_database_failed()
            raise

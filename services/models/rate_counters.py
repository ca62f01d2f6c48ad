from django.db import models


class RateCounter(models.Model):
    """One rate-limit counter (services.clients.hit) when the shared cache is the database:
    how many hits a key has had in its current window, and when that window ends. `key` is a
    keyed hash of the cache key (`DatabaseCache.counter_key`), never the key itself, which may
    hold a client's address.

    A hit is one `INSERT … ON CONFLICT … DO UPDATE … RETURNING` statement
    (services.cache.DatabaseCache.hit), atomic across processes and servers. Rows whose
    window has ended are deleted a batch at a time, now and then, by the hits themselves.
    """

    key = models.CharField(max_length=250, primary_key=True)
    hits = models.PositiveIntegerField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate counter"

    def __str__(self) -> str:
        return f"Rate counter {self.key}"

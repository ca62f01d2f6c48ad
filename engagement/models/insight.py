"""Anonymous search counts for finding gaps in provision. A row is a counter: never the words
or postcode someone typed, never an IP address."""

from django.db import models


class SearchAggregate(models.Model):
    class ResultBucket(models.TextChoices):
        NONE = "0", "No results"
        FEW = "1-5", "1 to 5"
        SOME = "6-20", "6 to 20"
        MANY = "21+", "More than 20"

    day = models.DateField()
    council_area = models.ForeignKey(
        "services.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Canonical "parameter=slug" pairs joined by ";", drawn only from known vocabularies.
    filters = models.CharField(max_length=500, blank=True)
    result_bucket = models.CharField(max_length=5, choices=ResultBucket.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "council_area", "filters", "result_bucket"],
                name="search_aggregate_unique_cell",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["day", "council_area"])]

    def __str__(self) -> str:
        return f"{self.day} {self.council_area_id or 'anywhere'} {self.filters}: {self.count}"

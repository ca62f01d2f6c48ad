from django.db import models

from .areas import Area


class Postcode(models.Model):
    """A live Scottish postcode and its centroid, loaded by `manage.py import_postcodes`
    from the ONS Postcode Directory or OS Code-Point Open."""

    postcode = models.CharField(max_length=8, unique=True, help_text='Normalised, e.g. "PA1 1AA".')
    district = models.CharField(
        max_length=4, db_index=True, help_text='The outward code, e.g. "PA1".'
    )
    latitude = models.FloatField()
    longitude = models.FloatField()
    council_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postcodes",
        limit_choices_to={"kind": Area.Kind.COUNCIL_AREA},
    )

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode

from django.db import models


class AreaQuerySet(models.QuerySet):
    def council_areas(self) -> "AreaQuerySet":
        return self.filter(kind=Area.Kind.COUNCIL_AREA)

    def health_boards(self) -> "AreaQuerySet":
        return self.filter(kind=Area.Kind.HEALTH_BOARD)


class Area(models.Model):
    """A Scottish council area or territorial health board (seeded by data migration)."""

    class Kind(models.TextChoices):
        COUNCIL_AREA = "council-area", "Council area"
        HEALTH_BOARD = "health-board", "Health board"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    health_board = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_areas",
        limit_choices_to={"kind": Kind.HEALTH_BOARD},
        help_text="For a council area, the health board it lies in.",
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_health_board(self) -> bool:
        return self.kind == self.Kind.HEALTH_BOARD

from django.db import models

from services.validators import single_line


class AreaQuerySet(models.QuerySet):
    def council_areas(self) -> "AreaQuerySet":
        return self.filter(kind=Area.Kind.COUNCIL_AREA)

    def health_boards(self) -> "AreaQuerySet":
        return self.filter(kind=Area.Kind.HEALTH_BOARD)

    def partnerships(self) -> "AreaQuerySet":
        return self.filter(kind=Area.Kind.PARTNERSHIP)


class Area(models.Model):
    """A Scottish council area, territorial health board or health and social care
    partnership (HSCP), seeded by data migrations. Council areas are the building blocks:
    a location lies in one council area, and each council area names the health board and
    the partnership it belongs to, so a board or a partnership is the council areas that
    point at it (Clackmannanshire and Stirling share one partnership)."""

    class Kind(models.TextChoices):
        COUNCIL_AREA = "council-area", "Council area"
        HEALTH_BOARD = "health-board", "Health board"
        PARTNERSHIP = "hscp", "Health and social care partnership"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100, validators=[single_line])
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
    partnership = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnership_council_areas",
        limit_choices_to={"kind": Kind.PARTNERSHIP},
        verbose_name="health and social care partnership",
        help_text="For a council area, the health and social care partnership it belongs to.",
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

    @property
    def is_partnership(self) -> bool:
        return self.kind == self.Kind.PARTNERSHIP

    @property
    def is_council_area(self) -> bool:
        return self.kind == self.Kind.COUNCIL_AREA

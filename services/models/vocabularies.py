"""Controlled vocabularies. Rows are seeded by data migrations; their slugs are a public
contract (URLs, search parameters, API, Open Referral taxonomy terms)."""

from django.db import models

from services.validators import single_line, text_validators


class VocabularyQuerySet(models.QuerySet):
    def in_order(self) -> "VocabularyQuerySet":
        return self.order_by("position", "name")


class Vocabulary(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, validators=[single_line])
    description = models.TextField(
        blank=True,
        max_length=1000,
        validators=text_validators(1000),
        help_text="A plain-English explanation shown to members of the public.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = VocabularyQuerySet.as_manager()

    # The name the search parameter and the Open Referral taxonomy use for this vocabulary.
    parameter: str = ""

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceType(Vocabulary):
    parameter = "type"

    class Meta(Vocabulary.Meta):
        verbose_name = "type of support"
        verbose_name_plural = "types of support"


class AccessRoute(Vocabulary):
    parameter = "access_route"

    class Meta(Vocabulary.Meta):
        verbose_name = "way to get support"
        verbose_name_plural = "ways to get support"


class LivedExperienceInvolvement(Vocabulary):
    parameter = "lived_experience"

    class Meta(Vocabulary.Meta):
        verbose_name = "lived experience involvement"
        verbose_name_plural = "lived experience involvement"


class Audience(Vocabulary):
    parameter = "audience"

    class Meta(Vocabulary.Meta):
        verbose_name = "who it is for"
        verbose_name_plural = "who it is for"


class AccessibilityFeature(Vocabulary):
    parameter = "accessibility"

    class Meta(Vocabulary.Meta):
        verbose_name = "accessibility feature"


class DeliveryMode(Vocabulary):
    parameter = "delivery"

    class Meta(Vocabulary.Meta):
        verbose_name = "delivery mode"


class Language(Vocabulary):
    """A language support is offered in. `slug` is an ISO 639-1 code, or `bsl`."""

    parameter = "language"

    class Meta(Vocabulary.Meta):
        ordering = ["position", "name"]


VOCABULARIES: tuple[type[Vocabulary], ...] = (
    ServiceType,
    AccessRoute,
    LivedExperienceInvolvement,
    Audience,
    AccessibilityFeature,
    DeliveryMode,
    Language,
)

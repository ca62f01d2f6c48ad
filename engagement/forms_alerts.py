"""The email alert sign-up form: an address, a place (resolved like the search box), a
distance and optional types of support."""

from django import forms

from services.geo.resolve import LocationKind, LocationResult, resolve_location
from services.models import ServiceType

from .forms import RateLimitedForm, limits
from .models import AlertSubscription
from .submissions import SubmissionKeyMixin

DISTANCES = [(2, "2 km"), (5, "5 km"), (10, "10 km"), (25, "25 km"), (50, "50 km")]


def place_error(text: str, found: LocationResult | None) -> str:
    """What to tell someone whose place we could not pin down, in plain words."""
    if found is not None and found.kind == LocationKind.AMBIGUOUS:
        examples = " or ".join(f"“{choice.value}”" for choice in found.choices[:3])
        return f"There is more than one {text}. Enter the one you mean, for example {examples}"
    if found is not None and found.is_area:
        return (
            f"{found.label} is a whole {found.description}, and alerts need a point to measure "
            "from. Enter a town or postcode in it"
        )
    if found is not None and found.suggestions:
        options = " or ".join(found.suggestions[:3])
        return f"We could not find “{text}”. Did you mean {options}?"
    return f"We could not find “{text}”. Enter a town, place or postcode in Scotland"


class AlertForm(SubmissionKeyMixin, RateLimitedForm):
    email = forms.EmailField(
        label="Your email address",
        **limits(AlertSubscription, "email"),
        help_text="We only use it for these alerts. We send a link to confirm it first.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )
    near = forms.CharField(
        label="Town, place or postcode",
        max_length=100,
        help_text="For example Kirkcaldy, PA1 or EH6 6AA.",
        error_messages={"required": "Enter a town, place or postcode"},
    )
    radius_km = forms.TypedChoiceField(
        label="How far away?",
        choices=DISTANCES,
        coerce=int,
        initial=10,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how far away", "invalid_choice": "Choose how far away"},
    )
    types = forms.ModelMultipleChoiceField(
        label="Types of support",
        queryset=ServiceType.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to hear about every type.",
        error_messages={"invalid_choice": "Choose types of support from the list"},
    )

    def clean_near(self) -> str:
        text = " ".join(self.cleaned_data["near"].split())
        found = resolve_location(near=text)
        if found is None or not found.found:
            raise forms.ValidationError(place_error(text, found))
        self.location = found
        return text

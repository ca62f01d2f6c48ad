from django import forms

from services.validators import multi_line, single_line

from .models import ProblemReport, Referral, SavedShortlist, Suggestion
from .models.referrals import NOTE_MAX_LENGTH, ReferralEvent
from .submissions import SubmissionKeyMixin


def limits(model, name: str) -> dict:
    """The model field's maximum length and text rules (services/validators.py) for a form
    field holding the same text: the form refuses what the model would, with its message."""
    field = model._meta.get_field(name)
    rules = [v for v in field.validators if v in (single_line, multi_line)]
    return {"max_length": field.max_length, "validators": rules}


def choices_of(model, name: str) -> list:
    """The model field's choices, for a form field offering the same."""
    return model._meta.get_field(name).choices


EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"

CONSENT_WORDING = (
    "The person has agreed that I can share the details I am about to give with {service}, "
    "run by {organisation}, so that they can contact them about this referral."
)


def consent_wording(service) -> str:
    return CONSENT_WORDING.format(service=service.name, organisation=service.organisation.name)


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": "Confirm the person has agreed to share their details with this service"
        },
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_wording(service)


class ReferralForm(forms.Form):
    """The referral's details. They are checked on the next page ("Check your answers"),
    whose form (ReferralCheckForm) carries the one-time key of the final submit."""

    organisation_name = forms.CharField(
        label="Your organisation",
        **limits(Referral, "referrer_organisation"),
        help_text='For example "Renfrewshire HSCP".',
        error_messages={"required": "Enter the name of your organisation"},
    )
    first_name = forms.CharField(
        label="Their first name or initials",
        **limits(Referral, "first_name"),
        error_messages={"required": "Enter their first name or initials"},
    )
    contact_method = forms.ChoiceField(
        label="How would they like to be contacted?",
        choices=choices_of(Referral, "contact_method"),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they would like to be contacted"},
    )
    contact_detail = forms.CharField(
        label="Phone number, email address or postal address",
        **limits(Referral, "contact_detail"),
        help_text="Only what is needed for the contact method they chose.",
        error_messages={"required": "Enter how to reach them"},
    )
    best_times = forms.CharField(
        label="Best times to contact them",
        **limits(Referral, "best_times"),
        required=False,
        help_text='For example "weekday mornings".',
    )
    reason = forms.CharField(
        label="Why are you referring them?",
        **limits(Referral, "reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"A short reason, up to {Referral._meta.get_field('reason').max_length} "
        "characters. Only what the service needs to know.",
        error_messages={"required": "Enter a short reason for the referral"},
    )
    accessibility_needs = forms.CharField(
        label="Accessibility or communication needs",
        **limits(Referral, "accessibility_needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example an interpreter, large print, step-free access.",
    )
    do_not_contact_by = forms.MultipleChoiceField(
        label="Do not contact them by",
        choices=choices_of(Referral, "contact_method"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        method = data.get("contact_method")
        if method and method in data.get("do_not_contact_by", []):
            self.add_error(
                "do_not_contact_by",
                "You cannot choose the same way for contacting them and for not contacting them",
            )
        return data


class ReferralCheckForm(SubmissionKeyMixin):
    """The final "Send referral" after checking the answers: only the one-time key, so a
    double click or a retry sends one referral."""


MANUAL_DECLINE_REASONS = [
    c for c in choices_of(Referral, "decline_reason") if c[0] != Referral.DeclineReason.NOT_ANSWERED
]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=choices_of(ReferralEvent, "to_status"))
    reason = forms.ChoiceField(
        label="Why are you declining it?",
        choices=[("", "Choose a reason"), *MANUAL_DECLINE_REASONS],
        required=False,
    )
    note = forms.CharField(
        label="Note (optional)",
        **limits(ReferralEvent, "note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Up to {NOTE_MAX_LENGTH} characters, for example when you will call. The "
        "referrer and your organisation see it in the history. No medical details.",
        error_messages={
            "max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer "
            "(it has %(show_value)d)"
        },
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral

    def clean(self):
        data = super().clean()
        to = data.get("to")
        if to and not self.referral.can_move_to(to):
            raise forms.ValidationError("This referral cannot be moved to that status now")
        if to == Referral.Status.DECLINED and not data.get("reason"):
            self.add_error("reason", "Choose why you are declining the referral")
        return data


class HoneypotMixin(forms.Form):
    """A field people never see (the wrapper is hidden); bots that fill it in are refused."""

    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class EmailListForm(SubmissionKeyMixin, HoneypotMixin):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send the link once, then delete the address.",
        error_messages={
            "required": "Enter an email address",
            "invalid": EMAIL_INVALID,
        },
    )


class SaveListForm(forms.Form):
    name = forms.CharField(
        label="Name for this list",
        **limits(SavedShortlist, "name"),
        help_text='For example "Paisley, low mood". Do not use the person\'s name.',
        error_messages={"required": "Enter a name for the list"},
    )


class RateLimitedForm(HoneypotMixin):
    rate_limited_message = "You have sent a lot of these recently. Please try again in an hour."

    def refuse_rate_limited(self) -> None:
        self.add_error(None, self.rate_limited_message)


class ProblemReportForm(SubmissionKeyMixin, RateLimitedForm):
    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=choices_of(ProblemReport, "reason"),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with this listing"},
    )
    details = forms.CharField(
        label="Tell us more",
        **limits(ProblemReport, "details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example the right times or phone number. Do not include personal details.",
    )
    reporter_email = forms.EmailField(
        label="Your email address",
        **limits(ProblemReport, "reporter_email"),
        required=False,
        help_text="Only if you would like us to tell you when it is fixed.",
        error_messages={"invalid": EMAIL_INVALID},
    )


class SuggestionForm(SubmissionKeyMixin, RateLimitedForm):
    name = forms.CharField(
        label="Name of the service",
        **limits(Suggestion, "name"),
        error_messages={"required": "Enter the name of the service"},
    )
    organisation_name = forms.CharField(
        label="Who runs it", **limits(Suggestion, "organisation_name"), required=False
    )
    description = forms.CharField(
        label="What is it?",
        **limits(Suggestion, "description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example a weekly peer support group for people with anxiety.",
        error_messages={"required": "Say what the service is"},
    )
    where = forms.CharField(
        label="Where is it?",
        **limits(Suggestion, "where"),
        help_text="A town, an address, or online.",
        error_messages={"required": "Say where the service is"},
    )
    contact = forms.CharField(
        label="How can people contact it?",
        **limits(Suggestion, "contact"),
        required=False,
        help_text="A website, phone number or email address of the service, not your own.",
    )
    how_known = forms.ChoiceField(
        label="How do you know about it?",
        choices=choices_of(Suggestion, "how_known"),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you know about the service"},
    )

    def save_suggestion(self) -> Suggestion:
        fields = ("name", "organisation_name", "description", "where", "contact", "how_known")
        return Suggestion.objects.create(**{name: self.cleaned_data[name] for name in fields})

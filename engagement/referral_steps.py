"""What the referral journey says around its forms: a warning when the service cannot see
new people soon, the referrer's organisation remembered from last time, the answers to check
before sending, and how a referral is named in messages (by the person's initials only)."""

from dataclasses import dataclass

from services.models import Service

from .forms import ReferralForm
from .models import LinkWorkerProfile, Referral


def intake_warning(service: Service) -> str:
    """Why a referral may not lead to support soon, in plain words, or ""."""
    status = service.current_intake_status()
    until = service.intake_status_until
    until_text = f" until {until.day} {until:%B %Y}" if until else ""
    if status == Service.Intake.WAITING_LIST:
        return (
            f"{service.name} has a waiting list. They will get your referral, but the person "
            "may wait some time before they are seen. Tell them, and think about other support "
            "in the meantime."
        )
    if status == Service.Intake.FULL:
        return (
            f"{service.name} is full and is not taking new people{until_text}. Your referral "
            "is likely to be declined for lack of capacity: look for other support, or contact "
            "them before you refer."
        )
    if status == Service.Intake.PAUSED:
        return (
            f"{service.name} has paused taking new people{until_text}. Your referral may wait "
            "or be declined: look for other support, or contact them before you refer."
        )
    return ""


def remembered_organisation(user) -> str:
    """The organisation the referrer gave last time (kept in their profile when a referral is
    sent), or the one on their most recent referral."""
    profile = LinkWorkerProfile.objects.filter(user=user).first()
    if profile and profile.organisation_name:
        return profile.organisation_name
    last = Referral.objects.filter(referrer=user).order_by("-created_at").first()
    return last.referrer_organisation if last else ""


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    field_id: str  # the field to go back to with "Change"


def answers(data: dict) -> list[Answer]:
    """The referral details as given, in the form's order, for "Check your answers"."""
    form = ReferralForm()
    methods = dict(Referral.ContactMethod.choices)
    rows = []
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        value = data.get(name)
        if name == "contact_method":
            value = methods.get(value or "", "")
        elif name == "do_not_contact_by":
            value = ", ".join(methods[v] for v in value or () if v in methods) or "No restrictions"
        rows.append(Answer(str(field.label), value or "Not given", f"id_{name}"))
    return rows


def initials(first_name: str) -> str:
    """ "Morag" → "M.", "J. M." → "J. M." – enough to tell referrals apart in a message."""
    return " ".join(f"{word[0].upper()}." for word in first_name.replace(".", " ").split())


# What a move did, in words: "{who}" is "for M." (initials), or empty once details are purged.
STATUS_MESSAGES: dict[str, str] = {
    Referral.Status.OPENED: "Referral {who}opened.",
    Referral.Status.ACCEPTED: "Referral {who}accepted.",
    Referral.Status.DECLINED: "Referral {who}declined.",
    Referral.Status.CONTACTED: "Referral {who}marked as contacted.",
    Referral.Status.ATTENDED: "Referral {who}marked as attended.",
    Referral.Status.DID_NOT_ATTEND: "Referral {who}marked as did not attend.",
    Referral.Status.CLOSED: "Referral {who}closed.",
}


def status_message(referral: Referral, status: str, *, note: str = "") -> str:
    """ "Referral for M. accepted." – what changed, naming the person by initials only."""
    who = initials(referral.first_name)
    message = STATUS_MESSAGES[status].format(who=f"for {who} " if who else "")
    return f"{message} Your note is in its history." if note else message

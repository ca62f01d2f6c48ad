import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from services.links import site_url
from services.models import Service
from services.permissions import is_link_worker

from . import emails, ratelimit, shortlists, submissions
from .forms import EmailListForm, SaveListForm
from .models import SavedShortlist, SharedShortlist
from .permissions import AuthenticatedHttpRequest, link_worker_required
from .templatetags.my_list import anchor, csrf_input, list_button_html


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if target and safe else default


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _published_service_or_404(value: str) -> Service:
    pk = _uuid_or_none(value)
    if pk is None:
        raise Http404("No such service.")
    return get_object_or_404(Service.objects.published(), pk=pk)


def _wants_json(request: HttpRequest) -> bool:
    """static/src/my-list.js asks for JSON: the button's new state, to swap in place."""
    return "application/json" in request.headers.get("Accept", "")


def _answer(request: HttpRequest, service: Service, level: int, message: str) -> HttpResponse:
    """Back where the visitor was, at the service's button; or, for the script, the button
    in its new state and what happened (to announce)."""
    if _wants_json(request):
        button = list_button_html(
            service_pk=service.pk,
            service_name=service.name,
            on_list=str(service.pk) in shortlists.ids_in(request.session),
            csrf_input=csrf_input(get_token(request)),
            next_url=request.POST.get("next", ""),
        )
        status = 409 if level == messages.ERROR else 200
        return JsonResponse({"html": str(button), "message": message}, status=status)
    messages.add_message(request, level, message)
    back = _back(request, "").split("#")[0]
    return redirect(f"{back}#{anchor(service.pk)}" if back else "engagement:shortlist")


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    service = _published_service_or_404(request.POST.get("service", ""))
    if shortlists.add(request.session, service):
        return _answer(request, service, messages.SUCCESS, f"Added {service.name} to your list.")
    if str(service.pk) in shortlists.ids_in(request.session):
        return _answer(request, service, messages.INFO, f"{service.name} is already on your list.")
    full = f"Your list is full ({shortlists.MAX_ITEMS} services)."
    return _answer(request, service, messages.ERROR, full)


@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    service_id = request.POST.get("service", "")
    shortlists.remove(request.session, service_id)
    pk = _uuid_or_none(service_id)
    service = Service.objects.filter(pk=pk).first() if pk else None
    if service is None:
        messages.success(request, "Removed from your list.")
        return redirect("engagement:shortlist")
    return _answer(request, service, messages.SUCCESS, f"Removed {service.name} from your list.")


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    """Empties the list on this device (the rest of the session, such as signing in, stays)."""
    shortlists.clear(request.session)
    messages.success(request, "Your list is cleared. Nothing is kept on this device.")
    return redirect("engagement:shortlist")


def shortlist(request: HttpRequest) -> HttpResponse:
    entries = shortlists.entries(shortlists.ids_in(request.session))
    template = "shortlist_print" if request.GET.get("print") == "1" else "shortlist"
    link_worker = is_link_worker(request.user)
    context = {
        "entries": entries,
        "is_link_worker": link_worker,
        "saved_lists": SavedShortlist.objects.filter(user=request.user)
        if link_worker and request.user.is_authenticated
        else [],
        "save_form": SaveListForm(),
        "share_days": getattr(settings, "SHORTLIST_SHARE_DAYS", 90),
        "kept_days": shortlists.kept_days(),
    }
    return render(request, f"engagement/{template}.html", context)


@require_POST
def share(request: HttpRequest) -> HttpResponse:
    ids = [e.service.pk for e in shortlists.entries(shortlists.ids_in(request.session))]
    if not ids:
        messages.error(request, "Add at least one service to your list before sharing it.")
        return redirect("engagement:shortlist")
    if not ratelimit.allow(request, "share-list", limit=settings.SHARED_LISTS_PER_HOUR):
        messages.error(request, "Too many lists have been shared from here. Try again later.")
        return redirect("engagement:shortlist")
    shared = shortlists.share([str(i) for i in ids])
    return redirect("engagement:shared_list", token=shared.token)


def _shared(token: str) -> SharedShortlist:
    return get_object_or_404(SharedShortlist.objects.live(), token=token)


def shared_list(request: HttpRequest, token: str) -> HttpResponse:
    shared = _shared(token)
    return render(
        request, "engagement/shared_list.html", _shared_context(request, shared, EmailListForm())
    )


@require_POST
def email_list(request: HttpRequest, token: str) -> HttpResponse:
    shared = _shared(token)
    form = EmailListForm(request.POST)
    sent = "We have emailed the link. We delete the address as soon as the email has gone."
    repeat = submissions.previous(form.data) is not None  # a retry or double click
    if form.is_spam or repeat:  # spam looks the same as success, so bots learn nothing
        messages.success(request, sent)
        return redirect("engagement:shared_list", token=shared.token)
    if not form.is_valid():
        return render(
            request, "engagement/shared_list.html", _shared_context(request, shared, form)
        )
    limit = getattr(settings, "SHORTLIST_EMAILS_PER_HOUR", 10)
    if not ratelimit.allow(request, "email-list", limit=limit):
        messages.error(request, "Too many emails have been sent from here. Try again later.")
        return redirect("engagement:shared_list", token=shared.token)
    address = form.cleaned_data["email"]
    submissions.once(
        form.data,
        scope="email-list",
        create=lambda: emails.shortlist_link(to=address, url=_absolute(request, shared)),
    )
    messages.success(request, sent)
    return redirect("engagement:shared_list", token=shared.token)


def _absolute(request: HttpRequest, shared: SharedShortlist) -> str:
    """SITE_URL when set, else the address this request came to (services.links.site_url)."""
    return site_url(request) + reverse("engagement:shared_list", args=[shared.token])


def _shared_context(request: HttpRequest, shared: SharedShortlist, form) -> dict:
    entries = shortlists.entries(shared.service_ids)
    share_url = _absolute(request, shared)
    return {"shared": shared, "entries": entries, "form": form, "share_url": share_url}


def shared_list_qr(request: HttpRequest, token: str) -> HttpResponse:
    svg = shortlists.qr_svg(_absolute(request, _shared(token)))
    return HttpResponse(svg, content_type="image/svg+xml")


@link_worker_required
@require_POST
def save(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SaveListForm(request.POST)
    ids = shortlists.ids_in(request.session)
    if form.is_valid() and ids:
        SavedShortlist.objects.update_or_create(
            user=request.user, name=form.cleaned_data["name"], defaults={"service_ids": ids}
        )
        messages.success(request, f"Saved the list as “{form.cleaned_data['name']}”.")
    else:
        messages.error(request, "Enter a name for the list, and add at least one service to it.")
    return redirect("engagement:shortlist")


@login_required
@require_POST
def load_saved(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedShortlist, pk=pk, user=request.user)
    if request.POST.get("action") == "delete":
        saved.delete()
        messages.success(request, f"Deleted the list “{saved.name}”.")
    else:
        shortlists.replace(request.session, saved.service_ids)
        messages.success(request, f"Opened the list “{saved.name}”.")
    return redirect("engagement:shortlist")

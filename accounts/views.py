"""Account views: registration, log-in, passwords, the learner's details.

Thin: each reads a form, calls a service or selector and renders or redirects."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors, services
from accounts.forms import (
    CodeRequestForm,
    PasswordResetConfirmForm,
    PhoneLoginForm,
    ProfileForm,
    RegistrationForm,
)
from accounts.models import VerificationPurpose
from accounts.navigation import safe_next_url


def _client(request) -> str | None:
    """The address codes and log-ins are counted by, as django-axes sees it."""
    return get_client_ip_address(request)


CODE_SENT = gettext_lazy(
    "A 6-digit code is on its way to this number by text message. It is valid for 10 minutes."
)


def register(request):
    """Registering, step 1: a code to the number, which proves it is the learner's.

    The answer is the same whether the number has an account or not (the text message
    then says so, to its holder only)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = CodeRequestForm(request.POST or None, initial={"phone": request.GET.get("phone", "")})
    next_url = safe_next_url(request, "")
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            services.verification_code_send(
                phone=phone, purpose=VerificationPurpose.REGISTRATION, client=_client(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.info(request, CODE_SENT)
            query = urlencode({"phone": phone, **({"next": next_url} if next_url else {})})
            return redirect(f"{reverse('accounts:register_confirm')}?{query}")
    return render(request, "accounts/register.html", {"form": form, "next": next_url})


def register_confirm(request):
    """Registering, step 2: the code, a password and who the learner is."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = RegistrationForm(request.POST or None, initial={"phone": request.GET.get("phone", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.learner_sign_up(
                phone=data["phone"],
                code=data["code"],
                password=data["password"],
                real_name=data["real_name"],
                work_unit=data["work_unit"],
                union_card_number=data["union_card_number"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(safe_next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL)))
    return render(
        request,
        "accounts/register_confirm.html",
        {"form": form, "next": safe_next_url(request, "")},
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = PhoneLoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = settings.LOGIN_REDIRECT_URL

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


def password_reset(request):
    form = CodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            services.password_reset_request(phone=phone, client=_client(request))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.info(
                request,
                _(
                    "If this number has an account, a 6-digit code is on its way by text "
                    "message. It is valid for 10 minutes."
                ),
            )
            return redirect(f"{reverse('accounts:password_reset_confirm')}?phone={phone}")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_confirm(request):
    form = PasswordResetConfirmForm(
        request.POST or None, initial={"phone": request.GET.get("phone", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.password_reset_confirm(
                phone=data["phone"], code=data["code"], password=data["password"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your password has been changed. Log in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
def profile_edit(request):
    current = selectors.learner_profile(user=request.user)
    initial = {
        "real_name": getattr(current, "real_name", request.user.first_name),
        "work_unit": getattr(current, "work_unit", ""),
        "union_card_number": getattr(current, "union_card_number", ""),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.learner_profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details have been saved."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/profile_edit.html", {"form": form})

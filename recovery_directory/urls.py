from django.contrib import admin
from django.urls import include, path

from engagement.accounts import admin_sign_in

admin.site.site_header = "Recovery Directory — listings"
admin.site.site_title = "Recovery Directory admin"
admin.site.index_title = "Keep your listings up to date"

urlpatterns = [
    # Before the admin's own URLs: its sign-in page under the per-address limit.
    path("admin/login/", admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("accounts/", include("engagement.urls_accounts")),
    path("api/", include("services.api.urls")),
    path("", include("services.urls")),
    path("", include("engagement.urls")),
]

handler400 = "services.views.bad_request"
handler403 = "services.views.permission_denied"
handler404 = "services.views.page_not_found"
handler500 = "services.views.server_error"

from django.urls import URLPattern

from .views import forum, improvements, themes, triage

app_name = "community"

urlpatterns: list[URLPattern] = [
    *forum.urlpatterns,
    *triage.urlpatterns,
    *themes.urlpatterns,
    *improvements.urlpatterns,
]

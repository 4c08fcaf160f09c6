from django.urls import URLPattern

from .views import urlpatterns as view_patterns

app_name = "discussions"

urlpatterns: list[URLPattern] = [*view_patterns]

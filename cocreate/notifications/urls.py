from django.urls import URLPattern

from .views import urlpatterns as view_patterns

app_name = "notifications"

urlpatterns: list[URLPattern] = [*view_patterns]

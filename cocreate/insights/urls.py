from .views import urlpatterns

app_name = "insights"

__all__ = ["app_name", "urlpatterns"]

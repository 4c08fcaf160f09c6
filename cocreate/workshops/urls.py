from .views import urlpatterns

app_name = "workshops"

__all__ = ["app_name", "urlpatterns"]

from .views import urlpatterns

app_name = "contests"

__all__ = ["app_name", "urlpatterns"]

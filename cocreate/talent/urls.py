from .views import urlpatterns

app_name = "talent"

__all__ = ["app_name", "urlpatterns"]

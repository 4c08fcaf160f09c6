from .views import urlpatterns

app_name = "rewards"

__all__ = ["app_name", "urlpatterns"]

from django.urls import URLPattern

app_name = "discussions"

urlpatterns: list[URLPattern] = []

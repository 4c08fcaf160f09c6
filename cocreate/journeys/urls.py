from django.urls import URLPattern

from .views import design, map, personas, widget

app_name = "journeys"

# Each view module declares its own routes, so the widget, the map, the design screens and the persona
# screens can change independently.
urlpatterns: list[URLPattern] = [
    *widget.urlpatterns,
    *map.urlpatterns,
    *design.urlpatterns,
    *personas.urlpatterns,
]

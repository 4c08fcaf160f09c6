from django.urls import URLPattern

from .views import challenges, ideas, merge, reviews, royalties, supports

app_name = "challenges"

# Each view module declares its own routes, so each subject can change on its own.
urlpatterns: list[URLPattern] = [
    *challenges.urlpatterns,
    *supports.urlpatterns,
    *reviews.urlpatterns,
    *royalties.urlpatterns,
    *merge.urlpatterns,
    # Last: the idea page's `ideas/<id>/<slug>/` would otherwise take `ideas/<id>/support/` and its kin.
    *ideas.urlpatterns,
]

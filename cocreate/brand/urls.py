from django.urls import path

from . import views

app_name = "brand"

urlpatterns = [
    path("", views.home, name="home"),
    path("theme.css", views.theme_css, name="theme-css"),
    path("products/", views.product_list, name="product-list"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("terms/", views.terms, name="terms"),
]

from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "cocreate.intelligence"
    label = "intelligence"
    verbose_name = "Text intelligence"

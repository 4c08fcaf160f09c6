from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "cocreate.cli"
    label = "cli"
    verbose_name = "Command line"

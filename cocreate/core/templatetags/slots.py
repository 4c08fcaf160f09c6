from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from cocreate.core import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: Any, name: str, obj: Any = None) -> SafeString:
    """`{% load slots %}{% slot "product_detail" product %}`: the sections other apps add here."""
    request = context.get("request")
    if request is None:
        return SafeString("")
    return slots.render(name, request, obj)

"""Forms of the staff triage pages. They shape what was typed; the rules (staff only, assignees who are
staff, statuses, bounds) belong to `services.triage`, whose errors the views put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Board, FeedbackStatus, Sentiment, ThreadKind
from ..selectors import triage as selectors


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.public_name)


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.journey.name} › {obj.name}"


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class InboxFilterForm(forms.Form):
    """The inbox's view and filters, read from the query string; a value that is not offered is ignored."""

    view = forms.ChoiceField(label=_("View"), choices=selectors.InboxView.choices, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(_("Any kind")) + ThreadKind.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("Any status")) + FeedbackStatus.choices
    )
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Product area"), queryset=None, required=False, empty_label=_("Any area")
    )
    stage = StageChoiceField(
        label=_("Journey stage"), queryset=None, required=False, empty_label=_("Any stage")
    )
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=_blank(_("Any sentiment")) + Sentiment.choices
    )
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("Any team")
    )
    board: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Board"), queryset=None, required=False, empty_label=_("Any board")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["area"].queryset = selectors.area_list()
        fields["stage"].queryset = selectors.stage_choices()
        fields["team"].queryset = selectors.team_list()
        fields["board"].queryset = Board.objects.filter(archived=False).order_by("position", "name", "id")

    def view_and_filters(self) -> tuple[str, dict[str, Any]]:
        """The chosen view and filters; anything invalid is dropped rather than answered with an error."""
        self.is_valid()
        data = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "")
        }
        for name in list(self.errors):
            data.pop(name, None)
        view = data.pop("view", selectors.InboxView.OPEN)
        return view, {name: getattr(value, "pk", value) for name, value in data.items()}


class BulkForm(forms.Form):
    """One action for the ticked posts; each action has its own button and reads its own field."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=FeedbackStatus.choices)
    assignee = StaffChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody"))
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("No team")
    )
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Product area"), queryset=None, required=False, empty_label=_("No area")
    )
    stage = StageChoiceField(
        label=_("Journey stage"), queryset=None, required=False, empty_label=_("No stage")
    )

    # The action (the button pressed) and the field whose value it applies.
    FIELD_OF = {"status": "status", "assign": "assignee", "team": "team", "area": "area", "stage": "stage"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["assignee"].queryset = selectors.staff_choices()
        fields["team"].queryset = selectors.team_list()
        fields["area"].queryset = selectors.area_list()
        fields["stage"].queryset = selectors.stage_choices()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FeedbackStatus.choices)
    message = forms.CharField(
        label=_("Public message (markdown, optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the post with the new status; the author is notified."),
    )


class AssignForm(forms.Form):
    assignee = StaffChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody"))
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("No team")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["assignee"].queryset = selectors.staff_choices()
        fields["team"].queryset = selectors.team_list()


class LabelForm(forms.Form):
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Product area"), queryset=None, required=False, empty_label=_("No area")
    )
    stage = StageChoiceField(
        label=_("Journey stage"), queryset=None, required=False, empty_label=_("No stage")
    )
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=_blank(_("Found automatically")) + Sentiment.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["area"].queryset = selectors.area_list()
        fields["stage"].queryset = selectors.stage_choices()


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note (markdown; staff only)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Reply (markdown)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        empty_label=_("Everyone"),
        help_text=_("Who uses it most."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["team"].queryset = selectors.team_list()


class SavedReplyUseForm(forms.Form):
    saved_reply: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Saved reply"), queryset=None, empty_label=None
    )
    body = forms.CharField(
        label=_("Adapt it first (optional)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Left empty, the saved reply is posted as it is."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["saved_reply"].queryset = selectors.saved_reply_list()


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["members"].queryset = selectors.staff_choices()
        fields["members"].label_from_instance = lambda user: user.public_name


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)


class MetricsForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Posts received in the last"),
        coerce=int,
        required=False,
        choices=[(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("year"))],
    )

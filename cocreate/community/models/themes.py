"""Themes: groups of feedback that say the same thing, found by meaning (offline TF-IDF and clustering in
`cocreate.intelligence`), renamed, merged and split by staff, linked to ideas and improvements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ClusterRun(models.Model):
    """One re-clustering of the whole corpus, nightly or on demand."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    documents = models.PositiveIntegerField(default=0)
    themes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The run's model (vocabulary, idf, projection) as an .npz blob: in the database rather than on a disk,
    # so every web process and worker, on any host, sorts new posts with the same model.
    model = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status})"


class Theme(models.Model):
    # The generated label (key terms) and, when staff renamed it, their name, which later runs keep.
    label = models.CharField(_("label"), max_length=160)
    custom_label = models.CharField(_("name"), max_length=160, blank=True)
    key_terms = models.JSONField(default=list)
    # The centroid in the run's vector space (float32 bytes) and the vocabulary version it belongs to.
    centroid = models.BinaryField(null=True, blank=True)
    run = models.ForeignKey(ClusterRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Counted by UPDATE … F() as posts join and leave, recounted exactly by each run.
    size = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    idea = models.ForeignKey(
        "challenges.Idea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-size", "id"]
        indexes = [models.Index(fields=["-size", "id"], condition=Q(active=True), name="theme_active")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.custom_label or self.label

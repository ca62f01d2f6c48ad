"""One-time submission keys: a retried or double-clicked form stores its record only once."""

from django.db import models


class SubmissionKey(models.Model):
    """A key a form carried when it created a record, and where that record's success page
    is. Holds no personal data; `send_queued_mail` forgets keys after a week."""

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=30)
    outcome = models.CharField(
        max_length=200, blank=True, help_text="The success page shown for this submission."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.scope} submission at {self.created_at:%d %b %Y %H:%M}"

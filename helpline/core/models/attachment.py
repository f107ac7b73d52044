from django.conf import settings
from django.db import models


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under the content hash, never under the user's file name: uploads stay inert
    # (no extension the web server could execute, no path tricks) and duplicates share a path.
    digest = instance.sha256
    return f"attachments/{digest[:2]}/{digest[2:4]}/{digest}"


class Attachment(models.Model):
    """A stored file belonging to an object (a ticket article, a KB answer, an asset).

    The original file name and content type are kept for display and download only.
    ``preferences`` holds mail details such as the Content-ID of inline images.
    """

    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    store = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=150, default="application/octet-stream")
    sha256 = models.CharField(max_length=64)
    preferences = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="attachment_object")]

    def __str__(self) -> str:
        return self.filename

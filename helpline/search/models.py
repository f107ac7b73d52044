from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """One object in the full-text index: its kind ("ticket", ...) and id.

    The id is not drawn from a sequence: it is ``object_id * 16 + kind code``
    (``DocumentKind.document_id``), so an index hit names its object without a lookup.

    On PostgreSQL ``vector`` holds the weighted text (GIN-indexed); on SQLite the text
    lives in the FTS5 table ``search_fts`` whose rowid is this row's id (a trigger removes
    it with this row) and ``vector`` stays empty. A migration that makes Django rebuild this
    table on SQLite drops the trigger: ``helpline search reindex`` puts it back.
    """

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    indexed_at = models.DateTimeField()
    vector = SearchVectorField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"

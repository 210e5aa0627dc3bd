"""Existing versions: the author is their editor; the submitter is the last person who
submitted it (review trail), else the author for a version that was submitted. A submitter
who later approved the same version (possible before separation of duties was checked on
real actors) is left blank rather than failing the migration; the trail still shows it."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    Version = apps.get_model("documents", "DocumentVersion")
    Step = apps.get_model("documents", "VersionReview")
    Editors = Version.editors.through
    submitters: dict[int, int] = {}
    for version_id, actor_id in (
        Step.objects.filter(step="submitted").order_by("created_at", "id").values_list(
            "version_id", "actor_id"
        )
    ):
        submitters[version_id] = actor_id
    rows = []
    for v in Version.objects.only("pk", "author_id", "approver_id", "submitted_at").iterator():
        if v.author_id:
            rows.append(Editors(documentversion_id=v.pk, user_id=v.author_id))
        submitter = submitters.get(v.pk) or (v.author_id if v.submitted_at else None)
        if submitter and submitter != v.approver_id:
            Version.objects.filter(pk=v.pk).update(submitted_by_id=submitter)
    Editors.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_version_actors")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

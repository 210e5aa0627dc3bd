"""Static files for the bench when `npm ci` has not been run (no vendor files)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class LenientManifestStorage(CompressedManifestStaticFilesStorage):
    """Production's storage, linking a file missing from the manifest by its plain name
    (production fails instead: the bench measures the server, not the vendor files)."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            return name

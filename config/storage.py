"""Static files storage for production: hashed names and compressed copies (WhiteNoise)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, ignoring ``sourceMappingURL`` comments.

    Vendored minified files (Bootstrap, GOV.UK Frontend) name ``.map`` files that are not shipped. Django's
    manifest storage rewrites every such reference and refuses to finish when the file is missing, leaving
    no manifest and every page answering 500. Source maps only help a developer's browser tools, so the
    references are left as they are instead of being hashed.
    """

    patterns = tuple(
        (extension, tuple(p for p in extension_patterns if "sourceMappingURL" not in str(p)))
        for extension, extension_patterns in CompressedManifestStaticFilesStorage.patterns
    )

"""What the models with a protected state field (django-fsm-2) share."""

from __future__ import annotations

from collections.abc import Collection

from django_fsm import FSMFieldMixin, FSMModelMixin


class ProtectedStateModel(FSMModelMixin):
    """A model whose state fields are protected: they change only through their transitions.

    ``refresh_from_db`` reloads them (FSMModelMixin); ``full_clean`` leaves them alone, because cleaning a field
    assigns it and a protected field refuses any assignment (a transition already checked where it may go).
    """

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        protected = {f.name for f in self._meta.concrete_fields if isinstance(f, FSMFieldMixin) and f.protected}
        super().clean_fields(exclude={*(exclude or ()), *protected})

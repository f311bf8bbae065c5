"""A QuerySet's ``get`` by one unique field, with its SQL compiled by Django once per process.

Django compiles a QuerySet's SQL every time the QuerySet is evaluated. For most pages that is noise; for the
respondent's token look-up it is most of the cost: it runs on every request of every respondent, and compiling
its joins took 0.8 ms of the 1.4 ms the look-up took (the database's own share was 0.56 ms). ``PreparedGet``
keeps the ORM's SQL and the ORM's way of building instances, and only stops repeating the compilation:

- the SQL is the one Django compiles for the QuerySet (same columns, joins, deferrals and lock), compiled on
  first use with a placeholder for the value looked up;
- each call runs that SQL with its own value and builds the instances as ``ModelIterable`` does, with
  ``Model.from_db`` and the ``select_related`` populators.

What it does not do, checked when it compiles (``ImproperlyConfigured`` rather than a wrong answer): a QuerySet
with another parameter than the value looked up, with annotations or prefetch_related, or with a column whose
value Django converts after reading it (a field with ``from_db_value``, or a backend converter). The tests
compare its instances with the QuerySet's, field by field, deferral by deferral and relation by relation.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import Field, IntegerField, Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Compiled in place of the value looked up, and never sent: each call passes its own value.
_PLACEHOLDER = "prepared-get-placeholder"
_NUMBER_PLACEHOLDER = 1  # within the range of every integer field, which Django checks as it compiles


@dataclass(frozen=True)
class _Compiled:
    sql: str
    db: str
    field: Field
    locks: bool
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]


class PreparedGet(Generic[M]):
    """``build().get(<field>=value)``, or None when no row matches, with the SQL compiled once per process.

    ``build`` returns the QuerySet (select_related, only/defer, select_for_update...); ``field`` is a unique
    field of its model. A QuerySet that locks (``select_for_update``) must be run inside a transaction, as
    Django requires.
    """

    def __init__(self, build: Callable[[], QuerySet[M]], field: str) -> None:
        self.build = build  # the QuerySet it compiles (the tests compare with it)
        self._field = field

    @cached_property
    def _compiled(self) -> _Compiled:
        model = self.build().model
        field = model._meta.get_field(self._field)
        if not isinstance(field, Field) or not field.unique:
            raise ImproperlyConfigured(f"PreparedGet needs a unique field; {model.__name__}.{self._field} is not.")
        placeholder = _NUMBER_PLACEHOLDER if isinstance(field, IntegerField) else _PLACEHOLDER
        queryset = self.build().filter(**{self._field: placeholder})
        # What ModelIterable would add after select_related's objects (the QuerySet's own attributes), and what
        # it does not build at all (values(), distinct, slices, unions).
        if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]  # noqa: SLF001
            raise ImproperlyConfigured("PreparedGet builds what select_related reads: no prefetch_related.")
        query = queryset.query
        if queryset._iterable_class is not ModelIterable or query.distinct or query.is_sliced or query.combinator:  # noqa: SLF001
            raise ImproperlyConfigured("PreparedGet builds model instances of a plain QuerySet.")
        queryset.query.clear_ordering(force=True)  # as QuerySet.get does
        connection = connections[queryset.db]
        compiler = queryset.query.get_compiler(using=queryset.db)
        locks = bool(queryset.query.select_for_update)
        # Django compiles FOR UPDATE only inside a transaction.
        with transaction.atomic(using=queryset.db) if locks and connection.get_autocommit() else nullcontext():
            sql, params = compiler.as_sql()
        if list(params) != [placeholder] or compiler.annotation_col_map:
            raise ImproperlyConfigured("PreparedGet compiles a QuerySet whose only parameter is the value looked up.")
        columns = [expression for expression, _sql, _alias in compiler.select]
        if compiler.get_converters(columns):
            raise ImproperlyConfigured("PreparedGet does not convert values read: leave those columns out.")
        klass_info = compiler.klass_info
        assert klass_info is not None  # noqa: S101 (a model QuerySet always has one)
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            # The database is the QuerySet's when first compiled: one database here (a read replica's router
            # would not be asked again on later calls).
            db=queryset.db,
            field=field,
            locks=locks,
            model=klass_info["model"],
            init_list=[column.target.attname for column in columns[start:end]],
            start=start,
            end=end,
            # (The stubs give the signature of a later Django, with a fetch mode.)
            populators=get_related_populators(klass_info, compiler.select, queryset.db),  # type: ignore[call-arg]
        )

    def get(self, value: str | int) -> M | None:
        """Return the instance whose field equals ``value`` (its related objects with it), or None."""
        compiled = self._compiled
        connection = connections[compiled.db]
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        # The value as the QuerySet would send it (through the field: an integer field refuses "abc" here, with
        # Django's ValueError, instead of the database failing the transaction).
        parameter = compiled.field.get_db_prep_value(value, connection)
        if parameter is None:  # the SQL compares with "=", which matches no NULL
            raise ValueError("PreparedGet looks up a value, not None.")
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [parameter])
            row = cursor.fetchone()
        if row is None:
            return None
        instance = compiled.model.from_db(compiled.db, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, instance)
        return instance  # type: ignore[return-value]

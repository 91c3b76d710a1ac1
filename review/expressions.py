"""Two small SQL expressions the ORM lacks in Django 5.2, for SQLite and PostgreSQL."""

from django.conf import settings
from django.db import NotSupportedError
from django.db.models import Aggregate, CharField, F, Func, IntegerField


class DaysToSign(Func):
    """Whole days from the date of service to the local calendar date of signature.

    0 means signed on the day of service. Computed by the database's own date functions
    (no Python function per row on SQLite): SQLite's 'localtime' follows the TZ variable
    Django sets from settings.TIME_ZONE; PostgreSQL is told the zone explicitly.
    """

    output_field = IntegerField()

    def __init__(self, signed_at="signed_at", date_of_service="date_of_service"):
        super().__init__(F(signed_at), F(date_of_service))

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"DaysToSign is not written for {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra):
        signed, signed_params = compiler.compile(self.source_expressions[0])
        dos, dos_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(julianday(date({signed}, 'localtime')) - julianday({dos}) AS INTEGER)"
        return sql, (*signed_params, *dos_params)

    def as_postgresql(self, compiler, connection, **extra):
        signed, signed_params = compiler.compile(self.source_expressions[0])
        dos, dos_params = compiler.compile(self.source_expressions[1])
        sql = f"((({signed}) AT TIME ZONE %s)::date - {dos})"
        return sql, (*signed_params, settings.TIME_ZONE, *dos_params)


class JoinedCodes(Aggregate):
    """The codes of a note's lines in line order, space separated (for one table cell)."""

    output_field = CharField()

    def __init__(self, code="code", position="position", **extra):
        super().__init__(F(code), F(position), **extra)

    def _compiled(self, compiler):
        code, code_params = compiler.compile(self.source_expressions[0])
        position, position_params = compiler.compile(self.source_expressions[1])
        return code, code_params, position, position_params

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"JoinedCodes is not written for {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite 3.40 has no ORDER BY inside an aggregate: order the rows first.
        code, code_params, _, _ = self._compiled(compiler)
        return f"GROUP_CONCAT({code}, ' ')", code_params

    def as_postgresql(self, compiler, connection, **extra):
        code, code_params, position, position_params = self._compiled(compiler)
        return f"STRING_AGG({code}, ' ' ORDER BY {position})", (*code_params, *position_params)


class IdList(Aggregate):
    """The ids of a group, comma separated (a few note links per row of a report)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"IdList is not written for {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="GROUP_CONCAT(%(expressions)s, ',')", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="STRING_AGG(CAST(%(expressions)s AS text), ',')",
            **extra,
        )

"""Counting a request's queries without Django's query log."""


class QueryCounter:
    """Counts the queries run inside it (`with connection.execute_wrapper(counter):`), and
    does nothing else (Django's query log, which CaptureQueriesContext turns on, formats
    every query: it cost more than some requests)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

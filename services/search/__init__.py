"""The search core: one definition of a directory search, used by the search page,
`/api/v1/services/` and the HSDS list endpoints.

- `filterset`: request parameters -> a validated search (`ServiceFilterSet`), and its results.
- `index`: the in-memory index every search runs on (numpy arrays, keyword postings), its
  build from one consistent read, and its incremental update.
- `live`: this process's current index, kept up to date from the change log the database's
  triggers write (`services.models.SearchChange`).
- `keyword`: words, stems, misspellings and relevance.
- `sql`: the filters that stay in SQL (area, accessibility, day, open now).

Nothing here is imported by `services.models`, so there is no import cycle.
"""

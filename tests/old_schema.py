"""Writing rows as an earlier program did, for the upgrade tests."""
import contextlib


@contextlib.contextmanager
def models_as_of(db, *models):
    """The models without the columns ``db`` does not have yet (later
    migrations add them), to write rows into a studio made by an earlier
    program (test-only)."""
    removed = []
    for model in models:
        columns = {column.name for column in db.get_columns(model._meta.table_name)}
        for name, field in list(model._meta.fields.items()):
            if field.column_name not in columns:
                model._meta.remove_field(name)
                removed.append((model, name, field))
    try:
        yield
    finally:
        for model, name, field in removed:
            model._meta.add_field(name, field)

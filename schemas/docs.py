"""The data dictionary, printed from the table declarations (`python -m schemas.docs`).

The README's "Tables" section is this output verbatim; a test keeps the two in step.
"""

from __future__ import annotations

from schemas.tables import TABLES, field_meta


def _type(t) -> str:
    return str(t).replace("large_", "").replace("list<item: string>", "list<string>")


def data_dictionary() -> str:
    out = []
    for table in TABLES.values():
        key = ", ".join(table.key)
        how = ((" Updated in place by runs that add, replace or remove articles (only the rows they touch); "
                "rebuilt from the other tables by `newsetl compact`.") if table.derived
               else " Rows belong to one article and are replaced with it." if table.per_article else "")
        out.append(f"### `{table.name}`\n\n{table.description} Key: `{key}`.{how}\n")
        out.append("| column | type | null | description |")
        out.append("|---|---|---|---|")
        for f in table.schema:
            meta = field_meta(f)
            desc = meta.get("description", "")
            if "allowed" in meta:
                desc += f" One of: {', '.join(meta['allowed'].split(','))}."
            out.append(f"| `{f.name}` | {_type(f.type)} | {'yes' if f.nullable else 'no'} | {desc} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(data_dictionary(), end="")

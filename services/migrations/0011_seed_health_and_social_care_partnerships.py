"""Seeds Scotland's 31 health and social care partnerships (integration authorities) from
services/data/hscp.csv, with their current GSS codes and the council areas each covers
(Clackmannanshire and Stirling share one). Names are "<short name> Health and Social Care
Partnership"; slugs are "<slugified short name>-hscp" (for example `renfrewshire-hscp`) and,
like every area slug, a public contract. Idempotent."""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

HSCP_FILE = Path(__file__).resolve().parents[1] / "data" / "hscp.csv"
NAME_SUFFIX = " Health and Social Care Partnership"


def partnerships() -> list[dict[str, str]]:
    with HSCP_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed(apps, schema_editor):
    Area = apps.get_model("services", "Area")
    for row in partnerships():
        partnership, _ = Area.objects.update_or_create(
            gss_code=row["gss_code"],
            defaults={
                "kind": "hscp",
                "name": row["name"] + NAME_SUFFIX,
                "slug": slugify(row["name"]) + "-hscp",
            },
        )
        codes = row["council_area_gss_codes"].split(";")
        Area.objects.filter(kind="council-area", gss_code__in=codes).update(partnership=partnership)


def unseed(apps, schema_editor):
    Area = apps.get_model("services", "Area")
    Area.objects.filter(kind="council-area").update(partnership=None)
    Area.objects.filter(kind="hscp").delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0010_text_hygiene")]

    operations = [migrations.RunPython(seed, unseed)]

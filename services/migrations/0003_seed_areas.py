"""Seeds Scotland's 14 territorial health boards and 32 council areas with official GSS codes.
Slugs are the slugified official names and are a public contract."""

from django.db import migrations
from django.utils.text import slugify

HEALTH_BOARDS = [
    ("S08000015", "NHS Ayrshire and Arran"),
    ("S08000016", "NHS Borders"),
    ("S08000017", "NHS Dumfries and Galloway"),
    ("S08000019", "NHS Forth Valley"),
    ("S08000020", "NHS Grampian"),
    ("S08000022", "NHS Highland"),
    ("S08000024", "NHS Lothian"),
    ("S08000025", "NHS Orkney"),
    ("S08000026", "NHS Shetland"),
    ("S08000028", "NHS Western Isles"),
    ("S08000029", "NHS Fife"),
    ("S08000030", "NHS Tayside"),
    ("S08000031", "NHS Greater Glasgow and Clyde"),
    ("S08000032", "NHS Lanarkshire"),
]

# (GSS code, official name, health board GSS code)
COUNCIL_AREAS = [
    ("S12000033", "Aberdeen City", "S08000020"),
    ("S12000034", "Aberdeenshire", "S08000020"),
    ("S12000041", "Angus", "S08000030"),
    ("S12000035", "Argyll and Bute", "S08000022"),
    ("S12000036", "City of Edinburgh", "S08000024"),
    ("S12000005", "Clackmannanshire", "S08000019"),
    ("S12000006", "Dumfries and Galloway", "S08000017"),
    ("S12000042", "Dundee City", "S08000030"),
    ("S12000008", "East Ayrshire", "S08000015"),
    ("S12000045", "East Dunbartonshire", "S08000031"),
    ("S12000010", "East Lothian", "S08000024"),
    ("S12000011", "East Renfrewshire", "S08000031"),
    ("S12000014", "Falkirk", "S08000019"),
    ("S12000047", "Fife", "S08000029"),
    ("S12000049", "Glasgow City", "S08000031"),
    ("S12000017", "Highland", "S08000022"),
    ("S12000018", "Inverclyde", "S08000031"),
    ("S12000019", "Midlothian", "S08000024"),
    ("S12000020", "Moray", "S08000020"),
    ("S12000013", "Na h-Eileanan Siar", "S08000028"),
    ("S12000021", "North Ayrshire", "S08000015"),
    ("S12000050", "North Lanarkshire", "S08000032"),
    ("S12000023", "Orkney Islands", "S08000025"),
    ("S12000048", "Perth and Kinross", "S08000030"),
    ("S12000038", "Renfrewshire", "S08000031"),
    ("S12000026", "Scottish Borders", "S08000016"),
    ("S12000027", "Shetland Islands", "S08000026"),
    ("S12000028", "South Ayrshire", "S08000015"),
    ("S12000029", "South Lanarkshire", "S08000032"),
    ("S12000030", "Stirling", "S08000019"),
    ("S12000039", "West Dunbartonshire", "S08000031"),
    ("S12000040", "West Lothian", "S08000024"),
]


def seed(apps, schema_editor):
    Area = apps.get_model("services", "Area")
    boards = {}
    for code, name in HEALTH_BOARDS:
        boards[code], _ = Area.objects.update_or_create(
            gss_code=code, defaults={"kind": "health-board", "name": name, "slug": slugify(name)}
        )
    for code, name, board_code in COUNCIL_AREAS:
        Area.objects.update_or_create(
            gss_code=code,
            defaults={
                "kind": "council-area",
                "name": name,
                "slug": slugify(name),
                "health_board": boards[board_code],
            },
        )


def unseed(apps, schema_editor):
    Area = apps.get_model("services", "Area")
    Area.objects.filter(kind="council-area").delete()
    Area.objects.filter(kind="health-board").delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0002_seed_vocabularies")]

    operations = [migrations.RunPython(seed, unseed)]

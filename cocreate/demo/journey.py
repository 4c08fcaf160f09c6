"""The demo brand's personas, profile questions and fan journey, with contributions through its points."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "frequency",
        "text": "How often do you build with our sets?",
        "help_text": "Helps us invite you to the programs that fit how you build.",
        "kind": "choice",
        "choices": ["Every weekend", "A few times a month", "A few times a year", "Rarely"],
    },
    {
        "key": "for_whom",
        "text": "Who do you build for?",
        "help_text": "Pick all that apply.",
        "kind": "multi_choice",
        "choices": ["Myself", "My children", "My grandchildren", "As a gift", "For display at work"],
    },
    {
        "key": "themes",
        "text": "What do you like to build?",
        "help_text": "Pick all that apply.",
        "kind": "multi_choice",
        "choices": ["Modular buildings", "Vehicles", "Space", "Botanical", "Junior sets", "My own creations"],
    },
    {
        "key": "sets_owned",
        "text": "About how many of our sets do you own?",
        "help_text": "A rough number is fine.",
        "kind": "number",
        "min_value": Decimal(0),
        "max_value": Decimal(5000),
        "unit": "sets",
    },
]

PERSONAS: list[dict[str, Any]] = [
    {
        "name": "Weekend builders",
        "colour": "#1f6f43",
        "quote": "Saturday morning is brick time, coffee in one hand, instructions in the other.",
        "goals": "Relax with a build that takes a weekend; learn new techniques; display the result.",
        "pains": "Missing pieces discovered at step 180; instructions that hide a colour change.",
        "behaviours": "Builds two or three sets a month, reads reviews before buying, posts finished builds.",
        "demographics": "25–45, mostly urban, often building alone or with a partner.",
        "estimated_size": 42000,
        "rules": [
            {
                "question": "frequency",
                "operator": "any_of",
                "values": ["Every weekend", "A few times a month"],
            }
        ],
    },
    {
        "name": "Family builders",
        "colour": "#8a3b12",
        "quote": "If my six-year-old can follow it, it is a good set.",
        "goals": "Shared time with the kids; sets that survive being played with.",
        "pains": "Tiny parts on the floor, models that fall apart during play, vague age ranges.",
        "behaviours": (
            "Buys for birthdays and holidays, builds together in the evening, keeps bricks in one big tub."
        ),
        "demographics": "30–50, parents and grandparents.",
        "estimated_size": 65000,
        "rules": [
            {"question": "for_whom", "operator": "any_of", "values": ["My children", "My grandchildren"]}
        ],
    },
    {
        "name": "Collectors",
        "colour": "#4b2e83",
        "quote": "I keep every box. The shelf is full, so I am building another shelf.",
        "goals": "Complete series, rare pieces, models that look good next to each other.",
        "pains": "Retired sets reselling at three times the price; inconsistent scales between sets.",
        "behaviours": "Pre-orders, follows leaks, owns hundreds of sets, sells duplicates.",
        "demographics": "30–60, high spend per year.",
        "estimated_size": 8000,
        "rules": [{"question": "sets_owned", "operator": "between", "min_value": Decimal(100)}],
    },
    {
        "name": "Gift buyers",
        "colour": "#9b2c5a",
        "quote": "I just want to know it is the right set for a nine-year-old.",
        "goals": "Pick a gift quickly and be sure it fits the age and interests.",
        "pains": "Too many choices; unclear difficulty; out-of-stock at the last minute.",
        "behaviours": "Buys a few times a year, mostly in stores, rarely builds themselves.",
        "demographics": "All ages; relatives and friends of builders.",
        "estimated_size": 120000,
        "rules": [
            {"question": "for_whom", "operator": "any_of", "values": ["As a gift"]},
            {"question": "frequency", "operator": "any_of", "values": ["A few times a year", "Rarely"]},
        ],
    },
]

# Per stage: touchpoints (name, channel), goals, thoughts, pains, and an emotion per persona (same order).
STAGES: dict[str, dict[str, Any]] = {
    "Awareness": {
        "touchpoints": [("Instagram builds feed", "social"), ("Toy store window", "store")],
        "customer_goals": "Find something fun to build; see what others make.",
        "thoughts": "That harbour set looks amazing. Is there a lighthouse?",
        "pain_points": "Hard to see what a set looks like built at home.",
        "emotions": [1, 1, 0, 0],
    },
    "Consideration": {
        "touchpoints": [("Product page", "website"), ("Reviews on the product page", "website")],
        "customer_goals": "Choose the right set for the time, budget and shelf space.",
        "thoughts": "Will it connect to the tram? How long does it take?",
        "pain_points": "No build time shown; difficulty labels feel arbitrary.",
        "emotions": [0, -1, 1, -2],
    },
    "Purchase": {
        "touchpoints": [("Online shop checkout", "website"), ("Store till", "store")],
        "customer_goals": "Buy quickly, get it before the weekend.",
        "thoughts": "Out of stock again?",
        "pain_points": "Stock shortages on launch week; shipping costs.",
        "emotions": [0, 0, -1, -1],
    },
    "Development": {
        "touchpoints": [("Prototype testing kit", "packaging"), ("Builder app beta", "app")],
        "customer_goals": "See upcoming sets early and have a say.",
        "thoughts": "I would change that roof before it ships.",
        "pain_points": "Feedback in forums seems to vanish.",
        "emotions": [2, 1, 2, 0],
    },
    "Usage": {
        "touchpoints": [
            ("Instruction booklet QR code", "packaging"),
            ("Builder app", "app"),
            ("Support chat", "support"),
        ],
        "customer_goals": "Enjoy the build, finish it, display or play.",
        "thoughts": "Step 112 is confusing. Which grey is this?",
        "pain_points": "Colour mix-ups; a missing piece means a support ticket.",
        "emotions": [1, -1, 1, 0],
    },
    "Advocacy": {
        "touchpoints": [("Community forum", "website"), ("Fan meet-up", "event")],
        "customer_goals": "Share builds, help others, get recognised.",
        "thoughts": "My modular street is finally complete.",
        "pain_points": "No place to show custom builds to the brand.",
        "emotions": [2, 1, 2, 0],
    },
}

# (stage, touchpoint name or None, kind, title, prompt, personas, goal, unit, poll options, allowed origins)
POINTS: list[tuple[Any, ...]] = [
    (
        "Awareness",
        "Instagram builds feed",
        "idea",
        "What should Northbrick build next?",
        "Tell us the set you wish existed.",
        ["Weekend builders", "Family builders", "Collectors"],
        500,
        "ideas",
        [],
        ["https://shop.northbrick.example"],
    ),
    (
        "Consideration",
        "Product page",
        "poll",
        "Which theme should the 2027 modular be?",
        "Vote for next year's modular building.",
        ["Weekend builders", "Collectors"],
        1000,
        "votes",
        ["Night market", "Train station", "Public library", "Harbour warehouse"],
        ["https://shop.northbrick.example"],
    ),
    (
        "Development",
        "Prototype testing kit",
        "prototype",
        "Test the Alpine Cable Car prototype",
        "How was building the prototype? Rate it and tell us why.",
        ["Weekend builders", "Family builders"],
        200,
        "ratings",
        [],
        [],
    ),
    (
        "Usage",
        "Instruction booklet QR code",
        "review",
        "Rate the set you just built",
        "How did the build go?",
        ["Weekend builders", "Family builders", "Collectors", "Gift buyers"],
        300,
        "reviews",
        [],
        [],
    ),
    (
        "Usage",
        "Builder app",
        "suggestion",
        "What would make building easier?",
        "One thing we should change in our instructions or sets.",
        ["Family builders"],
        150,
        "suggestions",
        [],
        [],
    ),
    (
        "Advocacy",
        "Community forum",
        "board",
        "Show us your custom builds",
        "Share a build and the idea behind it.",
        ["Collectors", "Weekend builders"],
        100,
        "posts",
        [],
        [],
    ),
]

IDEA_SAMPLES = [
    (
        "Riverside watermill",
        "A working watermill with a turning wheel, a miller's cottage and a little bridge.",
    ),
    ("Night market", "Food stalls with lanterns, a noodle kitchen and a fortune teller's tent."),
    ("Lighthouse keeper's cottage", "A companion to the Harbour Lighthouse with a kitchen and a boat shed."),
    ("Botanical terrarium", "A glass-look terrarium with buildable ferns and moss for a desk."),
    ("Mountain rescue station", "A helipad, a snowcat and a first-aid room for the Alpine range."),
    ("Vintage bookshop", "A corner shop with a reading nook, a ladder and a cat in the window."),
]
SUGGESTIONS = [
    "Show the build time on the box; we plan our weekends around it.",
    "Use a brighter grey in the instructions; the two greys look the same in the booklet.",
    "Number the bags on the side as well as on top, they get turned over in the tub.",
    "Put a parts list per bag at the start of each section.",
    "Let the app zoom into the step, my dad can't read the small callouts.",
]
RATING_COMMENTS = [
    (5, "Lovely build, the cable mechanism works first time."),
    (4, "Great set, but the station roof is fiddly."),
    (3, "Nice looking, the gondola keeps falling off the cable."),
    (5, "My daughter and I finished it in two evenings, she loved it."),
    (2, "Two pieces missing from bag 4, support sent them quickly though."),
    (4, "Good value; the instructions could show the cable tension better."),
]

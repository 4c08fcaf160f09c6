"""Believable generated people and texts for the demo and for `cocreate seed` (deterministic per seed)."""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = [
    "Ava",
    "Noah",
    "Mia",
    "Lucas",
    "Emma",
    "Liam",
    "Sofia",
    "Oliver",
    "Amara",
    "Mateo",
    "Yuki",
    "Hana",
    "Kofi",
    "Priya",
    "Arjun",
    "Leila",
    "Omar",
    "Freya",
    "Jonas",
    "Ingrid",
    "Tomás",
    "Lucía",
    "Chen",
    "Wei",
    "Aisha",
    "Samuel",
    "Grace",
    "Daniel",
    "Zoe",
    "Elias",
    "Nora",
    "Felix",
    "Maya",
    "Hugo",
    "Clara",
    "Ethan",
    "Isla",
    "Ravi",
    "Anika",
    "Mateus",
    "Beatriz",
    "Kenji",
    "Sakura",
    "Finn",
    "Astrid",
    "Jamal",
    "Imani",
    "Pablo",
    "Marta",
    "Oskar",
    "Elin",
    "Rosa",
    "Theo",
    "Lena",
    "Arthur",
    "Alice",
    "Victor",
    "Julia",
    "Karim",
]
LAST_NAMES = [
    "Andersen",
    "Okafor",
    "Nakamura",
    "García",
    "Müller",
    "Rossi",
    "Kowalski",
    "Silva",
    "Dubois",
    "Novak",
    "Patel",
    "Kim",
    "Nguyen",
    "Haddad",
    "O'Brien",
    "Larsen",
    "Costa",
    "Jansen",
    "Fischer",
    "Moreau",
    "Santos",
    "Ibrahim",
    "Yamamoto",
    "Lindqvist",
    "Brown",
    "Schmidt",
    "Ricci",
    "Horvath",
    "Mensah",
    "Ali",
]
INTERESTS = [
    "modular buildings",
    "trains",
    "city sets",
    "space",
    "architecture",
    "castles",
    "pirates",
    "vehicles",
    "botanical builds",
    "micro scale",
    "dioramas",
    "mechanisms",
    "lighting",
    "display models",
    "building with kids",
    "collecting minifigures",
    "stop-motion",
    "custom stickers",
]
SKILLS = [
    "3D modelling",
    "illustration",
    "product photography",
    "industrial design",
    "electronics",
    "graphic design",
    "copywriting",
    "packaging design",
    "woodworking",
    "teaching",
    "video editing",
    "user research",
    "engineering",
    "stop-motion animation",
    "translation",
    "event organising",
]
BIO_OPENERS = [
    "Rebuilt my childhood sets with my daughter and never stopped.",
    "Weekend builder, weekday {job}.",
    "I build city blocks on a 4-metre shelf and photograph them at night.",
    "Collector since the nineties; I still keep every instruction booklet.",
    "Teacher who uses bricks to explain bridges and gears to ten-year-olds.",
    "I design my own models and share the instructions for free.",
    "Started with one tram, now I run a whole tram network around the living room.",
]
JOBS = ["nurse", "software developer", "architect", "bus driver", "accountant", "chef", "student", "engineer"]
BIO_CLOSERS = [
    "Happy to test prototypes.",
    "Always looking for better ways to light a scene.",
    "Ask me about sorting systems.",
    "Big fan of sets that connect to each other.",
    "I care about instructions that a seven-year-old can follow.",
    "",
]


@dataclass
class Person:
    email: str
    display_name: str
    bio: str
    interests: list[str]
    skills: list[str]


class MemberFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def person(self, index: int, domain: str = "members.northbrick.example") -> Person:
        first, last = self.name()
        rng = self.rng
        opener = rng.choice(BIO_OPENERS).format(job=rng.choice(JOBS))
        bio = f"{opener} {rng.choice(BIO_CLOSERS)}".strip()
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        local = local.encode("ascii", "ignore").decode() or "member"
        return Person(
            email=f"{local}.{index}@{domain}",
            display_name=f"{first} {last[0]}.",
            bio=bio,
            interests=rng.sample(INTERESTS, rng.randint(1, 4)),
            skills=rng.sample(SKILLS, rng.randint(0, 3)),
        )

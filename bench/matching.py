"""Matching one opportunity against N member profiles: `match_for_opportunity` as the opportunity page and
the API call it, ranked matches with their reasons.

    cocreate bench matching [--members 100000] [--runs 50] [--seed 11]

The first run creates the starter taxonomy and N bench members (@bench-talent.cocreate.example) with
3–7 skills each (mostly from one area, one from anywhere, levels 1–5) and availability, in bulk; later
runs reuse them. Four opportunities of different shapes are timed (one skill; three skills; six skills
across areas; a popular skill with a high minimum level). Figures:
- cold: the first match in a fresh process, which loads the members matrix from the database;
- warm: p50/p95/p99 over `--runs` matches per opportunity, each doing what a request does (the taxonomy
  version check, the incremental refresh query, numpy scoring over every member, participation counts of
  the shortlist, the names of the top 20);
- after an edit: a member changes their skills before each match, so the refresh has a row to apply.

Point `DATABASE_URL` at PostgreSQL to measure it; without it the SQLite database in `COCREATE_DATA` is used
(run `cocreate migrate` there first).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from _harness import machine, percentile, print_table

DOMAIN = "bench-talent.cocreate.example"


def _ensure_members(count: int, seed: int) -> tuple[int, int]:
    """Bench members with skills and availability (created once, in bulk). Returns (members, skills)."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from cocreate.accounts.models import Role, User
    from cocreate.talent.models import MemberSkill, Skill, TalentProfile

    existing = User.objects.filter(email__endswith=f"@{DOMAIN}", email__startswith="m").count()
    rng = random.Random(seed)
    by_category: dict[str, list[int]] = {}
    for pk, category in Skill.objects.values_list("pk", "category"):
        by_category.setdefault(category, []).append(pk)
    categories = sorted(by_category)
    every = [pk for pks in by_category.values() for pk in pks]
    unusable = make_password(None)
    today = timezone.localdate()
    now = timezone.now()
    batch = 5000
    for start in range(existing, count, batch):
        stop = min(count, start + batch)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"m{i}@{DOMAIN}",
                        display_name=f"Bench member {i}",
                        role=Role.MEMBER,
                        password=unusable,
                    )
                    for i in range(start, stop)
                ]
            )
            if not all(u.pk for u in users):  # backends that do not return ids
                users = list(User.objects.filter(email__in=[u.email for u in users]))
            skills, profiles = [], []
            for user in users:
                area = by_category[rng.choice(categories)]
                chosen = set(rng.sample(area, min(len(area), rng.randint(2, 6))))
                chosen.add(rng.choice(every))
                skills.extend(
                    MemberSkill(user_id=user.pk, skill_id=s, level=rng.randint(1, 5)) for s in chosen
                )
                starts = today + timedelta(days=rng.choice([0, 0, 30, 90])) if rng.random() < 0.4 else None
                profiles.append(
                    TalentProfile(
                        user_id=user.pk,
                        hours_per_week=rng.choice([0, 2, 4, 6, 8, 12]),
                        available_from=starts,
                        available_until=starts + timedelta(days=180)
                        if starts and rng.random() < 0.5
                        else None,
                        changed_at=now,
                    )
                )
            MemberSkill.objects.bulk_create(skills, batch_size=batch)
            TalentProfile.objects.bulk_create(profiles, batch_size=batch)
        print(f"  created members {start:,}–{stop:,}", flush=True)
    bench = User.objects.filter(email__endswith=f"@{DOMAIN}", email__startswith="m")
    return bench.count(), MemberSkill.objects.filter(user__in=bench).count()


SHAPES = [
    ("one skill", [("UX research", 3, 3)]),
    (
        "three skills",
        [("Packaging design", 3, 3), ("Structural packaging", 2, 2), ("Recyclable packaging", 1, 1)],
    ),
    (
        "six skills, several areas",
        [
            ("Product innovation", 3, 2),
            ("Consumer insights", 2, 2),
            ("Industrial design", 2, 2),
            ("Data analysis", 1, 1),
            ("Brand management", 1, 1),
            ("Project management", 1, 1),
        ],
    ),
    ("popular skill, min level 5", [("Data analysis", 3, 5), ("SQL", 1, 3)]),
]


def _opportunities() -> list[tuple[str, object]]:
    from datetime import timedelta

    from django.utils import timezone

    from cocreate.accounts import services as account_services
    from cocreate.accounts.models import Role, User
    from cocreate.talent import selectors, services
    from cocreate.talent.models import Opportunity, OpportunityKind

    staff = User.objects.filter(email=f"staff@{DOMAIN}").first() or account_services.user_create_verified(
        actor=None, email=f"staff@{DOMAIN}", role=Role.ADMIN, display_name="Bench staff"
    )
    out = []
    for name, needs in SHAPES:
        title = f"Bench: {name}"
        opportunity = Opportunity.objects.filter(title=title).first()
        if opportunity is None:
            starts = timezone.localdate() + timedelta(days=14)
            opportunity = services.opportunity_create(
                actor=staff,
                kind=OpportunityKind.PROJECT,
                title=title,
                requirements=[{"skill": s, "weight": w, "min_level": m} for s, w, m in needs],
                hours_per_week=6,
                starts_on=starts,
                ends_on=starts + timedelta(weeks=12),
                seats=3,
            )
        out.append((name, selectors.opportunity_get(opportunity_id=opportunity.pk)))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    import django

    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "cocreate.settings"
        django.setup()
    from django.db import connection

    from cocreate.accounts.models import User
    from cocreate.talent import matching, selectors, services
    from cocreate.talent.models import Skill

    print(f"machine: {machine()}")
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    services.taxonomy_seed()
    started = time.perf_counter()
    members, skills = _ensure_members(args.members, args.seed)
    print(
        f"members: {members:,} with {skills:,} skills ({skills / max(1, members):.1f} each); "
        f"taxonomy: {Skill.objects.count()} skills; set up in {time.perf_counter() - started:.1f} s"
    )
    opportunities = _opportunities()
    if connection.vendor == "postgresql":
        # Fresh bulk loads have no planner statistics yet; a live site's autovacuum would have them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE talent_memberskill, talent_talentprofile, accounts_user")
    matching.reset()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    name, first = opportunities[0]
    started = time.perf_counter()
    found = selectors.match_for_opportunity(opportunity=first, limit=20)
    cold = (time.perf_counter() - started) * 1000
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(f"cold (loads the matrix of {members:,} members): {cold:.0f} ms; peak RSS grew {grew:.0f} MB")
    top = found[0]
    print(
        f"example top match for “{name}”: {top.display_name} {top.percent}% — "
        + "; ".join(f"{r.required} ← {r.matched or '—'} {r.percent}%" for r in top.reasons)
    )

    def row(name: str, times: list[float], cpu: list[float]) -> dict[str, object]:
        return {
            "opportunity": name,
            "runs": len(times),
            "p50 ms": f"{percentile(times, 50):.1f}",
            "p95 ms": f"{percentile(times, 95):.1f}",
            "p99 ms": f"{percentile(times, 99):.1f}",
            "p95 CPU ms (this process)": f"{percentile(cpu, 95):.1f}",
        }

    def timed(opportunity: object, times: list[float], cpu: list[float]) -> None:
        started, started_cpu = time.perf_counter(), time.process_time()
        selectors.match_for_opportunity(opportunity=opportunity, limit=20)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)

    gc.collect()  # the set-up's garbage is not what a serving process carries
    rows = []
    for name, opportunity in opportunities:
        selectors.match_for_opportunity(opportunity=opportunity, limit=20)  # warm this shape's code paths
        times: list[float] = []
        cpu: list[float] = []
        for _ in range(args.runs):
            timed(opportunity, times, cpu)
        rows.append(row(name, times, cpu))

    # A member edits their skills between matches: the refresh query has a row to apply each time.
    editor = User.objects.filter(email=f"m0@{DOMAIN}").first()
    name, opportunity = opportunities[1]
    times, cpu = [], []
    for n in range(args.runs):
        services.member_skill_add(actor=editor, user=editor, skill="Packaging design", level=1 + n % 5)
        timed(opportunity, times, cpu)
    rows.append(row(f"{name}, after an edit", times, cpu))
    print_table(rows)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()

"""Generate a realistic synthetic timeline: mixed date precision, spans, quotes, figures,
Chinese and Russian names. About 630 bytes an event, like hand-written timelines.

    python bench/generate.py 100000 > bench/out/100k.yaml
    python bench/generate.py 100000 --density 40 > bench/out/100k-d40.yaml  # Kerry 1 in 40
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator

PEOPLE = [
    ("Xi Jinping", "President of China", ["习近平", "Си Цзиньпин"]),
    ("Vladimir Putin", "President of Russia", ["Владимир Путин", "普京"]),
    ("John Kerry", "U.S. Secretary of State", ["Джон Керри", "克里"]),
    ("Sergei Lavrov", "Foreign Minister of Russia", ["Сергей Лавров", "拉夫罗夫"]),
    ("Wang Yi", "Foreign Minister of China", ["王毅", "Ван И"]),
    ("Alexander Gabuev", "Carnegie Moscow Center", ["Александр Габуев"]),
    ("Feng Yujun", "CICIR", ["冯玉军"]),
    ("Dmitry Medvedev", "Prime Minister of Russia", ["Дмитрий Медведев", "梅德韦杰夫"]),
    ("Li Keqiang", "Premier of China", ["李克强", "Ли Кэцян"]),
]
# Many more names, so a registry looks like one kept for a large dataset.
SURNAMES = ["Zhang", "Wang", "Li", "Zhao", "Chen", "Ivanov", "Petrov", "Smirnov", "Kuznetsov",
            "Popov", "Sokolov", "Liu", "Yang", "Huang", "Zhou", "Volkov", "Morozov"]
GIVEN = ["Wei", "Fang", "Lei", "Jun", "Ming", "Anna", "Sergei", "Olga", "Pavel", "Irina",
         "Hua", "Yan", "Dmitri", "Elena", "Nikolai", "Tao"]
CATEGORIES = ["diplomacy", "security", "trade", "economy", "energy", "commentary", "culture"]
ACTORS = ["China", "Russia", "United States", "Kazakhstan", "Syria", "European Union",
          "Mongolia", "India", "Japan", "Gazprom", "CNPC", "Rosneft"]
PLACES = ["Beijing", "Moscow", "Shanghai", "Vladivostok", "Astana", "Sochi", "Harbin",
          "Kazan", "Geneva", "New York"]
TAGS = ["summit", "gas", "oil", "arms", "syria", "sanctions", "belt-and-road", "aiib", "trade",
        "parade", "un", "brics", "sco", "border", "finance"]
WORDS = [
    "talks", "agreement", "pipeline", "visit", "delegation", "statement", "exercise", "border",
    "investment", "loan", "bank", "currency", "cooperation", "ministers", "leaders", "forum",
    "meeting", "deal", "export", "import", "grain", "energy", "security", "region", "council",
    "vote", "sanctions", "relations", "partnership",
]


def people_registry(rng: random.Random) -> list[tuple[str, str, list[str]]]:
    extra: list[tuple[str, str, list[str]]] = []
    for number in range(200):
        name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}{number}"
        extra.append((name, rng.choice(["Analyst", "Official", "Spokesperson", "Envoy"]), []))
    return PEOPLE + extra


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def events(count: int, rng: random.Random,
           registry: list[tuple[str, str, list[str]]], density: int = 500) -> Iterator[str]:
    for number in range(count):
        year = rng.randint(1990, 2024)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        roll = rng.random()
        date = (f"{year}" if roll < 0.08 else f"{year}-{month:02d}" if roll < 0.25
                else f"{year}-{month:02d}-{day:02d}")
        # Famous names are common, but Kerry (the bench's search) only about 1 event in
        # `density` (500 unless asked: few results; 40 shows the cost of each result).
        pool = [p for p in (registry[:9] if rng.random() < 0.6 else registry)
                if p[0] != "John Kerry"]
        people = rng.sample(pool, k=2)
        if rng.random() < 1 / density:
            people[0] = PEOPLE[2]  # John Kerry
        lines = [
            f"  - id: event-{number}",
            f"    date: {date}",
        ]
        if roll > 0.9 and len(date) == 10:
            lines.append(f"    end: {min(year + 1, 2025)}-{month:02d}-{day:02d}")
        lines += [
            f"    title: {quoted(sentence(rng, 7))}",
            f"    summary: {quoted(sentence(rng, 30) + '.')}",
            f"    category: {rng.choice(CATEGORIES)}",
            f"    actors: [{rng.choice(ACTORS)}, {rng.choice(ACTORS)}]",
            f"    people: [{people[0][0]}, {people[1][0]}]",
            f"    place: {rng.choice(PLACES)}",
            f"    tags: [{rng.choice(TAGS)}, {rng.choice(TAGS)}]",
        ]
        if rng.random() < 0.3:
            lines += ["    quotes:", f"      - by: {people[0][0]}",
                      f"        text: {quoted(sentence(rng, 12) + '.')}"]
        if rng.random() < 0.1:
            lines += ["    figures:", "      - label: Trade volume",
                      f"        value: {rng.randint(1, 900)}.{rng.randint(0, 9)}",
                      "        unit: billion USD"]
        lines += ["    sources:", "      - title: Synthetic wire report",
                  f"        publisher: {rng.choice(['Xinhua', 'TASS', 'Reuters'])}"]
        yield "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--density", type=int, default=500,
                        help="Kerry in about one event in this many (default 500)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    registry = people_registry(rng)
    out = sys.stdout
    out.write(f"title: Synthetic timeline of {args.count} events\npeople:\n")
    for name, role, aliases in registry:
        out.write(f"  - name: {name}\n    role: {role}\n")
        if aliases:
            out.write(f"    aliases: [{', '.join(aliases)}]\n")
    out.write("events:\n")
    for chunk in events(args.count, rng, registry, args.density):
        out.write(chunk)


if __name__ == "__main__":
    main()

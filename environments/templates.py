"""Child-directed utterance templates and the word forms that name catalog categories.

Templates are written the way caregivers talk to infants: short, repetitive naming frames
("look, a {x}!"), questions, requests and chatter that names nothing. ``{x}`` stands for the
spoken name of one category; a template may say it twice, as caregivers do. Punctuation is
kept because eSpeak pauses at it. Lengths run from one word to nine so that the mean length
can be tuned to the developmental profile's (about 4 words; Newport et al. 1977).
"""

from __future__ import annotations

import re
from functools import lru_cache

KINDS = ("naming", "question", "request", "chatter")

NAMING = (
    "{x}!",
    "a {x}!",
    "look, a {x}!",
    "that's your {x}",
    "see the {x}?",
    "that's a {x}",
    "it's a {x}",
    "here's the {x}",
    "look at the {x}!",
    "this is a {x}",
    "that's a big {x}",
    "look, here's your {x}!",
    "see the {x}? the {x}!",
    "wow, look at that {x}!",
    "oh, look at the pretty {x}",
    "that's the {x} you like",
    "look, look, there's a {x} right there",
    "look, this is a {x}, a {x}!",
    "look at the {x}, isn't it nice?",
    "oh wow, that's a nice {x}, isn't it?",
    "look at this one, it's a little {x}",
    "can you see what I have? it's a {x}!",
)

QUESTIONS = (
    "{x}?",
    "the {x}?",
    "where's the {x}?",
    "is that a {x}?",
    "where is your {x}?",
    "is this your {x}?",
    "do you want the {x}?",
    "where did the {x} go?",
    "do you like the {x}?",
    "can you find the {x}?",
    "what's that? a {x}?",
    "is that your {x}? is it?",
    "do you want to hold the {x}?",
    "where's your {x}, can you see it?",
    "do you want to play with the {x}?",
    "who has the {x}? do you have the {x}?",
)

REQUESTS = (
    "{x}, please",
    "get the {x}",
    "touch the {x}",
    "give me the {x}",
    "show me the {x}",
    "let's get the {x}",
    "go get your {x}",
    "put the {x} down",
    "bring me the {x}, please",
    "can you get the {x}?",
    "can you give me the {x}?",
    "can you show me the {x}?",
    "give the {x} to daddy, okay?",
    "pick up the {x}, pick it up",
    "let's put the {x} over here, okay?",
    "can you put the {x} in the box?",
)

CHATTER = (
    "hi!",
    "okay",
    "wow!",
    "peekaboo!",
    "uh oh",
    "good job",
    "all done",
    "let's see",
    "that's right",
    "what's that?",
    "hi sweetie",
    "are you hungry?",
    "are you tired?",
    "you're so big",
    "what a good job",
    "what are you doing?",
    "let's play a game",
    "can you say hi?",
    "are you hungry? are you?",
    "oh, you're okay, you're okay",
    "let's see what we have",
    "what a good job, yeah!",
    "I know, I know, it's okay",
    "look at you, you're so strong",
    "it's almost time for your nap",
    "you did it! good job, sweetie!",
    "what do you want to do now?",
    "let's see what else we can find",
    "oh my goodness, what are you doing over there?",
)

TEMPLATES: dict[str, tuple[str, ...]] = {
    "naming": NAMING,
    "question": QUESTIONS,
    "request": REQUESTS,
    "chatter": CHATTER,
}

# Words children hear for catalog categories (CHILDES forms) -> category. Plurals of every
# category name are added by `category_of`. Used to map corpus nouns onto the catalog.
SYNONYMS: dict[str, str] = {
    "doggy": "dog", "doggie": "dog", "puppy": "dog", "pup": "dog", "puppies": "dog",
    "kitty": "cat", "kitten": "cat", "kitties": "cat", "pussycat": "cat",
    "rabbit": "bunny", "bunnies": "bunny", "rabbits": "bunny",
    "ducky": "duck", "duckie": "duck", "duckies": "duck",
    "teddy": "bear", "teddybear": "bear",
    "birdie": "bird", "birdy": "bird",
    "fishy": "fish", "fishie": "fish",
    "plane": "airplane", "aeroplane": "airplane", "airplanes": "airplane",
    "choochoo": "train",
    "key": "keys",
    "telephone": "phone", "cellphone": "phone",
    "sippy": "cup",
    "baba": "bottle", "bottles": "bottle",
    "shoes": "shoe", "sneaker": "shoe",
    "blocks": "block",
    "car": "car", "automobile": "car",
    "spoons": "spoon",
    "bowls": "bowl",
    "hats": "hat",
    "books": "book",
    "apples": "apple",
    "bananas": "banana",
}  # fmt: skip

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def words_of(text: str) -> list[str]:
    """Lower-cased word tokens of `text`, as counted for utterance length."""
    return _WORD.findall(text.lower())


def spoken_name(category: str) -> str:
    """How a category name is said ("toy_car" -> "toy car")."""
    return category.replace("_", " ")


def category_of(word: str, categories: set[str] | frozenset[str]) -> str | None:
    """The catalog category a spoken word names, or None."""
    w = word.lower()
    if w in categories:
        return w
    mapped = SYNONYMS.get(w)
    if mapped in categories:
        return mapped
    for suffix in ("s", "es"):
        if w.endswith(suffix) and w[: -len(suffix)] in categories:
            return w[: -len(suffix)]
    return None


def fill(template: str, category: str | None) -> str:
    if "{x}" in template:
        if category is None:
            raise ValueError(f"template {template!r} needs a category")
        return template.replace("{x}", spoken_name(category))
    return template


@lru_cache(maxsize=8192)
def template_length(template: str, category: str | None = None) -> int:
    """Words in the filled template (the category's name counted by its own words)."""
    return len(words_of(fill(template, category if category else "x")))

"""Capitals in what is typed into a client's fields, the same rule in the
form (as a field is left) and at save.

- A person's names (first, middle, last) go through nameparser, a library
  made for names: it knows particles ("van der berg" -> "van der Berg",
  "de la cruz" -> "de la Cruz": lower case inside a last name, as nameparser
  writes them), Mc/Mac ("mcdonald" -> "McDonald", "macdonald" -> "MacDonald")
  and O' ("o'brien" -> "O'Brien"). A last name is read as the last name of
  a full name, so its particles are the ones a full name would keep lower.
- A company, an address and a city are capitalised word by word (with the
  same Mc and O' rule): nameparser reads people, not "acme photo llc".
- Then the studio's own words (STUDIO_WORDS: LLC, Inc., II, III...) are
  written its way, in every field: "acme photo llc" -> "Acme Photo LLC".
- A two-letter state is upper case ("il" -> "IL"); a longer one is
  capitalised word by word ("new york" -> "New York").

A word typed with a capital letter is kept as typed (DeWitt, LaToya).
"""

from __future__ import annotations

PERSON_FIELDS = ("first_name", "middle_name", "last_name")
WORD_FIELDS = ("company", "address1", "address2", "city")
CAPITALIZED_FIELDS = (*PERSON_FIELDS, *WORD_FIELDS, "state")

# The studio's exceptions: a word (lower case, without its trailing dot or
# comma) -> how the studio writes it.
STUDIO_WORDS = {
    "llc": "LLC",
    "llp": "LLP",
    "pllc": "PLLC",
    "inc": "Inc",
    "ltd": "Ltd",
    "ii": "II",
    "iii": "III",
    "iv": "IV",
}
_PLACEHOLDER = "Xq"  # a first name put before a last name, so it is read as one


def capitalize_field(field: str, text: str) -> str:
    """``text`` of the client field ``field`` with the capitals it should have
    (text of other fields is returned as it is)."""
    if field == "state" and len(text.strip()) == 2:
        return text.upper()
    if field not in PERSON_FIELDS and field not in WORD_FIELDS and field != "state":
        return text
    typed = text.split(" ")
    # nameparser (slow: ~0.1 ms a name) only when a word is typed in lower case:
    # a word with capitals is kept as typed, so "Ann" or "LEE" never needs it.
    lower = any(word == word.lower() for word in typed if word)
    person = _nameparser_words(typed, as_last_name=field == "last_name") if lower and field in PERSON_FIELDS else None
    shown = []
    for index, word in enumerate(typed):
        studio = _studio_word(word)
        if studio is not None:
            shown.append(studio)
        elif person is not None and word == word.lower():
            shown.append(person[index])
        else:
            shown.append(_capitalize_word(word))
    return " ".join(shown)


def capitalize_person(text: str, as_last_name: bool = False) -> str:
    """A person's name typed on its own (a family member's first or last name)."""
    return capitalize_field("last_name" if as_last_name else "first_name", text)


def _nameparser_words(typed: list[str], as_last_name: bool) -> list[str] | None:
    """nameparser's capitals for each typed word ("" stays ""), or None where
    it reorders or drops words (a comma, a nickname): then each word gets the
    plain word rule."""
    words = [word for word in typed if word]
    if not words:
        return None
    from nameparser import HumanName  # slow to import: when first needed

    text = " ".join(words)
    name = HumanName(f"{_PLACEHOLDER} {text}" if as_last_name else text)
    name.capitalize(force=True)
    shown = str(name).split(" ")
    if as_last_name:
        shown = shown[1:] if shown[:1] == [_PLACEHOLDER] else []
    if len(shown) != len(words) or any(a.lower() != b.lower() for a, b in zip(shown, words, strict=True)):
        return None
    capitals = iter(shown)
    return [next(capitals) if word else word for word in typed]


def _capitalize_word(word: str) -> str:
    """smith -> Smith, mcdonald -> McDonald, o'brien -> O'Brien, mary-jo -> Mary-Jo."""
    return "-".join(_capitalize_part(part) for part in word.split("-"))


def _capitalize_part(word: str) -> str:
    if not word or word != word.lower():
        return word  # the user typed capitals on purpose (DeWitt, LaToya)
    if word.startswith("mc") and len(word) > 2:
        return "Mc" + word[2].upper() + word[3:]
    if len(word) > 2 and word[1] == "'":
        return word[0].upper() + "'" + word[2].upper() + word[3:]
    return word[0].upper() + word[1:]


def _studio_word(word: str) -> str | None:
    """The studio's way of writing ``word`` when it is one of its words typed
    in lower case ("llc," -> "LLC,"), else None."""
    core = word.rstrip(".,")
    spelled = STUDIO_WORDS.get(core) if word == word.lower() else None
    return None if spelled is None else spelled + word[len(core) :]

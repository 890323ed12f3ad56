"""The ELIZA responder: keyword selection, decomposition, reassembly, pronoun reflection and topic memory."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from .script import DEFAULT_SCRIPT, Decomposition, Keyword, Script

MEMORY_SIZE = 8
_MAX_REDIRECTS = 3

_CONTRACTIONS: dict[str, str] = {
    "i'm": "i am",
    "im": "i am",
    "you're": "you are",
    "can't": "can not",
    "cannot": "can not",
    "don't": "do not",
    "dont": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "won't": "will not",
    "isn't": "is not",
    "aren't": "are not",
    "wasn't": "was not",
    "i've": "i have",
    "i'd": "i would",
    "i'll": "i will",
    "it's": "it is",
    "that's": "that is",
    "you've": "you have",
    "you'll": "you will",
    "you'd": "you would",
    "let's": "let us",
}
_REFLECTIONS: dict[str, str] = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "am": "are",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
}
_SUBJECT_VERBS = frozenset(
    [
        "are",
        "were",
        "was",
        "have",
        "had",
        "do",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "might",
        "must",
        "think",
        "feel",
        "know",
        "want",
        "need",
        "like",
        "love",
        "hate",
        "say",
        "said",
        "seem",
        "make",
        "always",
        "never",
        "really",
    ]
)
_TOPIC_END = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "does",
        "do",
        "did",
        "has",
        "have",
        "had",
        "not",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "and",
        "or",
        "that",
        "which",
        "who",
        "because",
        "so",
        "if",
        "when",
        "to",
        "keeps",
        "always",
        "never",
        "really",
        "just",
        "also",
        "still",
    ]
)
_TOPIC_WORDS = 4
_CLAUSE_SPLIT = re.compile(r"[.,;:!?]+|\bbut\b", re.IGNORECASE)
_WORD = re.compile(r"[\w']+", re.UNICODE)
_CAPTURE = re.compile(r"\((\d+)\)")


@dataclass
class Conversation:
    """What the responder remembers about one conversation: rule rotation and earlier topics."""

    turns: dict[tuple[int, int], int] = field(default_factory=dict)
    memory: deque[str] = field(default_factory=lambda: deque(maxlen=MEMORY_SIZE))
    fallback_turn: int = 0


def words_of(text: str) -> list[str]:
    """Words with contractions expanded (original case kept, curly apostrophes straightened)."""
    words: list[str] = []
    for word in _WORD.findall(text.replace("\u2019", "'")):
        expanded = _CONTRACTIONS.get(word.lower())
        words.extend(expanded.split() if expanded else [word.strip("'")])
    return [word for word in words if word]


def reflect(words: Sequence[str]) -> str:
    """Swap first and second person: "I need my mother" → "you need your mother"."""
    reflected: list[str] = []
    for index, word in enumerate(words):
        lower = word.lower()
        following = words[index + 1].lower() if index + 1 < len(words) else ""
        previous = words[index - 1].lower() if index else ""
        if lower == "you":
            reflected.append("I" if following in _SUBJECT_VERBS else "me")
        elif lower == "are" and previous == "you":
            reflected.append("am")
        elif lower == "were" and previous == "you":
            reflected.append("was")
        elif lower == "was" and previous == "i":
            reflected.append("were")
        else:
            reflected.append(_REFLECTIONS.get(lower, word))
    return " ".join(reflected)


def match_pattern(
    pattern: Sequence[str], words: Sequence[str], script: Script = DEFAULT_SCRIPT
) -> list[list[str]] | None:
    """Match ``words`` against ``pattern``; the captures of ``*`` and ``@group`` elements, or ``None``."""
    lowered = [word.lower() for word in words]

    def match(p: int, w: int) -> list[list[str]] | None:
        if p == len(pattern):
            return [] if w == len(words) else None
        element = pattern[p]
        if element == "*":
            for end in range(w, len(words) + 1):
                rest = match(p + 1, end)
                if rest is not None:
                    return [list(words[w:end]), *rest]
            return None
        if w == len(words):
            return None
        if element.startswith("@"):
            if lowered[w] not in script.synonyms.get(element[1:], frozenset()):
                return None
            rest = match(p + 1, w + 1)
            return None if rest is None else [[lowered[w]], *rest]
        if lowered[w] != element:
            return None
        return match(p + 1, w + 1)

    return match(0, 0)


def _fill(template: str, captures: list[list[str]]) -> str:
    def replace(found: re.Match[str]) -> str:
        index = int(found.group(1)) - 1
        return reflect(captures[index]) if 0 <= index < len(captures) else ""

    text = _CAPTURE.sub(replace, template)
    text = re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s+", " ", text)).strip()
    return text[:1].upper() + text[1:]


class ElizaEngine:
    """Answers one line at a time; all per-conversation state lives in the :class:`Conversation` passed in."""

    def __init__(self, script: Script = DEFAULT_SCRIPT) -> None:
        self.script = script

    def respond(self, text: str, conversation: Conversation) -> str:
        best: tuple[int, list[Keyword], list[str]] | None = None
        for clause in _CLAUSE_SPLIT.split(text):
            words = words_of(clause)
            keywords = self._keywords_in(words)
            if keywords and (best is None or keywords[0].rank > best[0]):
                best = (keywords[0].rank, keywords, words)
        if best is not None:
            _, keywords, words = best
            for keyword in keywords:
                self._remember(keyword, words, conversation)
            for keyword in keywords:
                answer = self._try_keyword(keyword, words, conversation, 0)
                if answer is not None:
                    return answer
        if conversation.memory:
            return conversation.memory.popleft()
        answer = self.script.fallbacks[conversation.fallback_turn % len(self.script.fallbacks)]
        conversation.fallback_turn += 1
        return answer

    def _keywords_in(self, words: Sequence[str]) -> list[Keyword]:
        found: list[Keyword] = []
        for word in words:
            keyword = self.script.keyword_for(word.lower())
            if keyword is not None and keyword not in found:
                found.append(keyword)
        return sorted(found, key=lambda keyword: -keyword.rank)

    def _try_keyword(self, keyword: Keyword, words: list[str], conversation: Conversation, depth: int) -> str | None:
        keyword_index = self.script.keywords.index(keyword)
        for rule_index, decomposition in enumerate(keyword.decompositions):
            captures = match_pattern(decomposition.pattern, words, self.script)
            if captures is None:
                continue
            template = self._next_reassembly(decomposition, (keyword_index, rule_index), conversation)
            if template.startswith("="):
                target = self.script.keyword_for(template[1:])
                if target is None or depth >= _MAX_REDIRECTS:
                    return None
                return self._try_keyword(target, words, conversation, depth + 1)
            return _fill(template, captures)
        return None

    @staticmethod
    def _next_reassembly(decomposition: Decomposition, key: tuple[int, int], conversation: Conversation) -> str:
        turn = conversation.turns.get(key, 0)
        conversation.turns[key] = turn + 1
        return decomposition.reassemblies[turn % len(decomposition.reassemblies)]

    def _remember(self, keyword: Keyword, words: list[str], conversation: Conversation) -> None:
        if not keyword.memories:
            return
        captures = match_pattern(keyword.memory_pattern, words, self.script)
        if captures is None or not captures[-1]:
            return
        topic: list[str] = []
        for word in captures[-1][:_TOPIC_WORDS]:
            if word.lower() in _TOPIC_END:
                break
            topic.append(word)
        if not topic:
            return
        captures = [*captures[:-1], topic]
        template = keyword.memories[len(conversation.memory) % len(keyword.memories)]
        conversation.memory.append(_fill(template, captures))

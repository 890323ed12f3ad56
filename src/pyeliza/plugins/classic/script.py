"""The ELIZA script: keywords with ranks, decomposition patterns and reassembly rules (our own wording).

Pattern elements: ``*`` matches any number of words, ``@group`` one word of a synonym group, anything else
that exact word. A reassembly refers to the part matched by element N as ``(N)``; ``=keyword`` hands the
input to another keyword.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Decomposition:
    pattern: tuple[str, ...]
    reassemblies: tuple[str, ...]


@dataclass(frozen=True)
class Keyword:
    words: tuple[str, ...]
    rank: int
    decompositions: tuple[Decomposition, ...]
    memory_pattern: tuple[str, ...] = ()
    memories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    keywords: tuple[Keyword, ...]
    synonyms: Mapping[str, frozenset[str]]
    fallbacks: tuple[str, ...]

    def keyword_for(self, word: str) -> Keyword | None:
        for keyword in self.keywords:
            if word in keyword.words:
                return keyword
        return None


def _d(pattern: str, *reassemblies: str) -> Decomposition:
    return Decomposition(tuple(pattern.split()), reassemblies)


SYNONYMS: Mapping[str, frozenset[str]] = {
    "belief": frozenset({"feel", "think", "believe", "wish", "suppose", "guess"}),
    "family": frozenset(
        {"mother", "mom", "mum", "father", "dad", "sister", "brother", "wife", "husband", "children", "kids"}
        | {"son", "daughter", "parents", "family", "grandmother", "grandfather"}
    ),
    "desire": frozenset({"want", "need", "crave", "desire"}),
    "sad": frozenset({"sad", "unhappy", "depressed", "sick", "miserable", "lonely", "upset", "anxious", "worried"})
    | frozenset({"stressed", "tired", "exhausted", "afraid", "scared", "angry"}),
    "happy": frozenset({"happy", "elated", "glad", "better", "great", "excited", "cheerful"}),
    "everyone": frozenset({"everyone", "everybody", "nobody", "noone"}),
    "be": frozenset({"am", "is", "are", "was", "were"}),
}

KEYWORDS: tuple[Keyword, ...] = (
    Keyword(
        ("computer", "computers", "machine", "machines", "robot", "robots", "ai", "bot", "program", "chatbot"),
        50,
        (
            _d(
                "*",
                "Do machines worry you?",
                "Why do you bring up machines?",
                "What do you think machines have to do with what troubles you?",
                "Do you think a machine can help people?",
                "What is it about machines that concerns you?",
            ),
        ),
    ),
    Keyword(("name",), 15, (_d("*", "Names do not interest me much.", "I don't care about names; please go on."),)),
    Keyword(
        ("alike", "same", "similar", "resemble"),
        10,
        (
            _d(
                "*",
                "In what way?",
                "What resemblance do you see?",
                "What does that similarity suggest to you?",
                "What other connections do you notice?",
                "Could there really be a connection?",
            ),
        ),
    ),
    Keyword(("like",), 10, (_d("* @be * like *", "=alike"),)),
    Keyword(
        ("remember", "recall"),
        5,
        (
            _d(
                "* i remember *",
                "Do you often think of (2)?",
                "Does thinking of (2) bring anything else to mind?",
                "Why do you remember (2) just now?",
                "What in the present reminds you of (2)?",
            ),
            _d(
                "* do you remember *",
                "Did you think I would forget (2)?",
                "Why should I recall (2) now?",
                "What about (2)?",
            ),
        ),
    ),
    Keyword(
        ("sorry", "apologise", "apologize"),
        5,
        (_d("*", "Please don't apologise.", "There is no need to apologise.", "What do you feel when you apologise?"),),
    ),
    Keyword(
        ("thank", "thanks"),
        5,
        (
            _d(
                "*",
                "You're welcome. What else is on your mind?",
                "I'm glad to listen. What would you like to talk about next?",
            ),
        ),
    ),
    Keyword(
        ("bye", "goodbye"),
        5,
        (_d("*", "Goodbye. It was good to talk with you.", "Take care. Come back whenever you want to talk."),),
    ),
    Keyword(
        ("dream", "dreams", "dreamed", "dreamt"),
        3,
        (
            _d(
                "*",
                "What does that dream suggest to you?",
                "Do you dream often?",
                "Who appears in your dreams?",
                "Do you think dreams have something to do with your problem?",
            ),
        ),
    ),
    Keyword(
        ("if",),
        3,
        (
            _d(
                "* if *",
                "Do you think it is likely that (2)?",
                "Do you wish that (2)?",
                "What do you know about (2)?",
                "Really, if (2)?",
            ),
        ),
    ),
    Keyword(
        tuple(sorted(SYNONYMS["sad"])),
        3,
        (
            _d(
                "* i am * @sad *",
                "I am sorry to hear that you are (2) (3).",
                "Do you think talking here will help you not to be (3)?",
                "That must be hard. Why do you think you are (3)?",
            ),
            _d(
                "* @sad *",
                "What makes you feel (2)?",
                "How long have you felt (2)?",
                "Tell me more about feeling (2).",
            ),
        ),
    ),
    Keyword(
        ("my",),
        2,
        (
            _d(
                "* my * @family *",
                "Tell me more about your family.",
                "Who else in your family (4)?",
                "Your (3)?",
                "What else comes to mind when you think of your (3)?",
            ),
            _d(
                "* my *",
                "Your (2)?",
                "Why do you say your (2)?",
                "Does that suggest anything else that belongs to you?",
                "Is it important to you that your (2)?",
            ),
        ),
        memory_pattern=("*", "my", "*"),
        memories=(
            "Earlier you mentioned your (2). Tell me more about that.",
            "Let's go back to your (2). How do you feel about that now?",
            "Does that have anything to do with your (2)?",
        ),
    ),
    Keyword(
        ("everyone", "everybody", "nobody", "noone"),
        2,
        (
            _d(
                "* @everyone *",
                "Really, (2)?",
                "Surely not (2).",
                "Can you think of anyone in particular?",
                "Who, for example?",
                "You have a particular person in mind, don't you?",
            ),
        ),
    ),
    Keyword(
        ("was", "were"),
        2,
        (
            _d(
                "* was i *",
                "What if you were (2)?",
                "Do you think you were (2)?",
                "What would it mean if you were (2)?",
            ),
            _d(
                "* i was *",
                "Were you really?",
                "Why do you tell me you were (2) now?",
                "Perhaps I already know you were (2).",
            ),
            _d("* were you *", "Would you like to believe I was (2)?", "What suggests that I was (2)?"),
        ),
    ),
    Keyword(
        ("always", "never"),
        1,
        (
            _d(
                "*",
                "Can you think of a specific example?",
                "When?",
                "What incident are you thinking of?",
                "Really, every time?",
            ),
        ),
    ),
    Keyword(
        ("family", "mother", "mom", "mum", "father", "dad", "sister", "brother", "wife", "husband", "parents"),
        1,
        (_d("*", "Tell me more about your family.", "How do you get along with your family?"),),
    ),
    Keyword(
        ("i",),
        0,
        (
            _d(
                "* i @desire *",
                "What would it mean to you if you got (3)?",
                "Why do you want (3)?",
                "Suppose you got (3) soon; what then?",
                "What if you never got (3)?",
            ),
            _d(
                "* i am * @sad *",
                "I am sorry to hear that you are (2) (3).",
                "Do you think talking here will help you not to be (3)?",
                "That must be hard. Why do you think you are (3)?",
            ),
            _d(
                "* i am * @happy *",
                "What makes you (3) just now?",
                "How have I helped you to be (3)?",
                "Can you explain why you are suddenly (3)?",
            ),
            _d("* i @belief you *", "=you"),
            _d(
                "* i @belief i *",
                "Do you really think so?",
                "But you are not sure you (3).",
                "Do you really doubt you (3)?",
            ),
            _d(
                "* i am *",
                "Is it because you are (2) that you came to talk to me?",
                "How long have you been (2)?",
                "Do you believe it is normal to be (2)?",
                "Do you enjoy being (2)?",
            ),
            _d(
                "* i can not *",
                "How do you know that you can't (2)?",
                "Have you tried?",
                "Perhaps you could (2) now.",
                "Do you really want to be able to (2)?",
            ),
            _d(
                "* i do not *",
                "Don't you really (2)?",
                "Why don't you (2)?",
                "Do you wish to be able to (2)?",
                "Does that trouble you?",
            ),
            _d(
                "* i feel *",
                "Tell me more about such feelings.",
                "Do you often feel (2)?",
                "Do you enjoy feeling (2)?",
                "What does feeling (2) remind you of?",
            ),
            _d(
                "* i * you *",
                "Perhaps in your fantasies we (2) each other.",
                "Do you wish to (2) me?",
                "You seem to need to (2) me.",
                "Do you (2) anyone else?",
            ),
            _d(
                "* i *",
                "You say you (2)?",
                "Can you elaborate on that?",
                "Do you say that for some special reason?",
                "That's quite interesting. Tell me more.",
            ),
        ),
    ),
    Keyword(
        ("you",),
        0,
        (
            _d("* you remind me of *", "=alike"),
            _d(
                "* you are *",
                "What makes you think I am (2)?",
                "Does it please you to believe I am (2)?",
                "Do you sometimes wish you were (2)?",
                "Perhaps you would like to be (2).",
            ),
            _d(
                "* you * me *",
                "Why do you think I (2) you?",
                "You like to think I (2) you, don't you?",
                "What makes you think I (2) you?",
                "Suppose I did (2) you; what would that mean?",
            ),
            _d(
                "* you *",
                "We were discussing you, not me.",
                "Oh, I (2)?",
                "You're not really talking about me, are you?",
                "What are your feelings now?",
            ),
        ),
    ),
    Keyword(
        ("am",),
        0,
        (
            _d(
                "* am i *",
                "Do you believe you are (2)?",
                "Would you want to be (2)?",
                "What would it mean if you were (2)?",
            ),
        ),
    ),
    Keyword(
        ("are",),
        0,
        (
            _d(
                "* are you *",
                "Why are you interested in whether I am (2) or not?",
                "Would you prefer it if I weren't (2)?",
                "Perhaps I am (2) in your fantasies.",
            ),
            _d("* are *", "Did you think they might not be (2)?", "Possibly they are (2)."),
        ),
    ),
    Keyword(
        ("your",),
        0,
        (
            _d(
                "* your *",
                "Why are you concerned about my (2)?",
                "What about your own (2)?",
                "Are you worried about someone else's (2)?",
            ),
        ),
    ),
    Keyword(
        ("can",),
        0,
        (
            _d(
                "* can you *",
                "You believe I can (2), don't you?",
                "You want me to be able to (2).",
                "Perhaps you would like to be able to (2) yourself.",
            ),
            _d(
                "* can i *",
                "Whether or not you can (2) depends on you more than on me.",
                "Do you want to be able to (2)?",
                "Perhaps you don't want to (2).",
            ),
        ),
    ),
    Keyword(
        ("why",),
        0,
        (
            _d(
                "* why do not you *",
                "Do you believe I don't (2)?",
                "Perhaps I will (2) in good time.",
                "Should you (2) yourself?",
            ),
            _d(
                "* why can not i *",
                "Do you think you should be able to (2)?",
                "Do you believe this will help you to (2)?",
            ),
            _d("*", "=what"),
        ),
    ),
    Keyword(
        ("what", "how", "when", "where", "who", "which"),
        0,
        (
            _d(
                "*",
                "Why do you ask?",
                "Does that question interest you?",
                "What is it you really want to know?",
                "What answer would please you most?",
                "What do you think?",
                "What comes to mind when you ask that?",
            ),
        ),
    ),
    Keyword(
        ("because", "cause"),
        0,
        (
            _d(
                "*",
                "Is that the real reason?",
                "Don't any other reasons come to mind?",
                "Does that reason explain anything else?",
                "What other reasons might there be?",
            ),
        ),
    ),
    Keyword(
        ("perhaps", "maybe", "probably"),
        0,
        (
            _d(
                "*",
                "You don't seem quite certain.",
                "Why the uncertain tone?",
                "Can't you be more positive?",
                "You aren't sure?",
            ),
        ),
    ),
    Keyword(
        ("yes", "yeah", "yep"), 0, (_d("*", "You seem quite positive.", "You are sure.", "I see.", "I understand."),)
    ),
    Keyword(
        ("no", "nope"),
        0,
        (_d("*", "Are you saying no just to be negative?", "You are being a bit negative.", "Why not?", "Why 'no'?"),),
    ),
    Keyword(
        ("hello", "hi", "hey", "greetings"),
        0,
        (
            _d(
                "*",
                "Hello. How do you do? Please tell me what is on your mind.",
                "Hi there. What would you like to talk about today?",
            ),
        ),
    ),
)

FALLBACKS: tuple[str, ...] = (
    "Please go on.",
    "I see. Tell me more.",
    "What does that suggest to you?",
    "How do you feel about that?",
    "Do you feel strongly about discussing such things?",
    "That is interesting. Please continue.",
)

DEFAULT_SCRIPT = Script(keywords=KEYWORDS, synonyms=SYNONYMS, fallbacks=FALLBACKS)

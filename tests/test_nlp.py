"""The NLP backbone: the pinned English model loads offline and parses as it did when we measured it.

A golden test: if a new model version (or the numpy matrix-product route in nlp.py) changes the parse of
this hand-written sentence, the coder's accuracy figures need measuring again.
"""

from dyads import nlp

SENTENCE = "Japanese Foreign Minister Taro Sato met his Cambodian counterpart in Phnom Penh on Monday."
GOLDEN = [
    ("Japanese", "ADJ", "amod", 2, "NORP"), ("Foreign", "PROPN", "compound", 2, ""),
    ("Minister", "PROPN", "compound", 4, ""), ("Taro", "PROPN", "compound", 4, "PERSON"),
    ("Sato", "PROPN", "nsubj", 5, "PERSON"), ("met", "VERB", "ROOT", 5, ""), ("his", "PRON", "poss", 8, ""),
    ("Cambodian", "ADJ", "amod", 8, "NORP"), ("counterpart", "NOUN", "dobj", 5, ""), ("in", "ADP", "prep", 5, ""),
    ("Phnom", "PROPN", "compound", 11, "GPE"), ("Penh", "PROPN", "pobj", 9, "GPE"), ("on", "ADP", "prep", 5, ""),
    ("Monday", "PROPN", "pobj", 12, "DATE"), (".", "PUNCT", "punct", 5, ""),
]


def test_nlp_model_is_the_pinned_package():
    pipeline = nlp.load_pipeline()
    assert pipeline.meta["version"] == "3.8.0"
    assert {"tagger", "parser", "ner", "lemmatizer"} <= set(pipeline.pipe_names)


def test_nlp_golden_parse_is_unchanged():
    doc = nlp.parse(SENTENCE)
    assert [(t.text, t.pos_, t.dep_, t.head.i, t.ent_type_) for t in doc] == GOLDEN


def test_nlp_parse_many_keeps_order_and_matches_single_parse():
    texts = [SENTENCE, "Kenya protested.", SENTENCE.replace("Monday", "Tuesday")]
    docs = list(nlp.parse_many(texts, batch_size=2))
    assert [d.text for d in docs] == texts
    assert [t.dep_ for t in docs[0]] == [t.dep_ for t in nlp.parse(SENTENCE)]


def test_nlp_tokenize_words_matches_pipeline_tokens():
    assert nlp.tokenize_words("Côte d'Ivoire's U.S.-backed plan") == [t.text for t in nlp.parse(
        "Côte d'Ivoire's U.S.-backed plan")]

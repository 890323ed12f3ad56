"""Offline embeddings: ``local_plugin`` serves TEXT_EMBEDDING with a deterministic hashed n-gram vector."""

from ._plugin import LOCAL_PRIORITY, embedding_text, local_plugin, local_text_embedding
from .hashed_embedding import DIMENSION, cosine_similarity, embed_text, embed_texts

__all__ = [
    "DIMENSION",
    "LOCAL_PRIORITY",
    "cosine_similarity",
    "embed_text",
    "embed_texts",
    "embedding_text",
    "local_plugin",
    "local_text_embedding",
]

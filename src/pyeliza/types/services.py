"""Well-known service type keys (plugins add their own freely)."""

from __future__ import annotations

from enum import StrEnum


class ServiceType(StrEnum):
    TRANSCRIPTION = "transcription"
    VIDEO = "video"
    BROWSER = "browser"
    PDF = "pdf"
    REMOTE_FILES = "aws_s3"
    WEB_SEARCH = "web_search"
    EMAIL = "email"
    TEE = "tee"
    TASK = "task"
    WALLET = "wallet"
    LP_POOL = "lp_pool"
    TOKEN_DATA = "token_data"
    MESSAGE_SERVICE = "message_service"
    MESSAGE = "message"
    POST = "post"
    UNKNOWN = "unknown"
    EMBEDDING_GENERATION = "embedding-generation"
    MESSAGE_BUS = "message-bus-service"

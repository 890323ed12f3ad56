"""Helpers shared by the remote model plugins: retries, timeouts, redaction, usage, settings, JSON output."""

from .clients import ClientLease, ClientPoolService, client_pool_service, client_pool_type
from .json_output import InvalidModelOutput, extract_json, object_instructions, parse_object_output, schema_problems
from .object_answers import Answer, ChatMessages, validated_object
from .params import coerce_params
from .policy import retry_policy_from_settings
from .redact import REDACTED, Redactor
from .retry import Classifier, Failure, FailureKind, RemoteCall, RetryPolicy, parse_retry_after
from .runtime import ModelRuntime, PrefixedSettings
from .sdk_errors import classify_sdk_error
from .streaming import EventStream, stream_text
from .usage import add_usage, token_usage

__all__ = [
    "REDACTED",
    "Answer",
    "ChatMessages",
    "Classifier",
    "ClientLease",
    "ClientPoolService",
    "EventStream",
    "Failure",
    "FailureKind",
    "InvalidModelOutput",
    "ModelRuntime",
    "PrefixedSettings",
    "Redactor",
    "RemoteCall",
    "RetryPolicy",
    "add_usage",
    "classify_sdk_error",
    "client_pool_service",
    "client_pool_type",
    "coerce_params",
    "extract_json",
    "object_instructions",
    "parse_object_output",
    "parse_retry_after",
    "retry_policy_from_settings",
    "schema_problems",
    "stream_text",
    "token_usage",
    "validated_object",
]

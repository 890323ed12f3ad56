"""The bootstrap providers, in the reference's registration order."""

from ._character import character_provider
from ._context import anxiety_provider, attachments_provider, time_provider
from ._conversation import recent_messages_provider
from ._facts import facts_provider
from ._people import entities_provider, relationships_provider, roles_provider, world_provider
from ._planning import action_state_provider, actions_provider, evaluators_provider, providers_provider
from ._settings import choice_provider, settings_provider

BOOTSTRAP_PROVIDERS = (
    evaluators_provider,
    anxiety_provider,
    time_provider,
    entities_provider,
    relationships_provider,
    choice_provider,
    facts_provider,
    roles_provider,
    settings_provider,
    attachments_provider,
    providers_provider,
    actions_provider,
    action_state_provider,
    character_provider,
    recent_messages_provider,
    world_provider,
)

__all__ = ["BOOTSTRAP_PROVIDERS"]

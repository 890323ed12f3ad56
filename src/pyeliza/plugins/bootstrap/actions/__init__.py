"""The bootstrap actions, in the reference's registration order."""

from ._choice import choose_option_action
from ._contact import update_contact_action
from ._image import generate_image_action
from ._reply import ignore_action, none_action, reply_action
from ._roles import update_role_action
from ._room_state import follow_room_action, mute_room_action, unfollow_room_action, unmute_room_action
from ._send_message import send_message_action
from ._settings import update_settings_action

BOOTSTRAP_ACTIONS = (
    reply_action,
    follow_room_action,
    unfollow_room_action,
    ignore_action,
    none_action,
    mute_room_action,
    unmute_room_action,
    send_message_action,
    update_contact_action,
    choose_option_action,
    update_role_action,
    update_settings_action,
    generate_image_action,
)

__all__ = ["BOOTSTRAP_ACTIONS"]

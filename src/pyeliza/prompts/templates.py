"""Default prompt templates: our own wording, the reference's placeholders and output keys (§4.8)."""

from __future__ import annotations

RESPONSE_ONLY_FOOTER = (
    "Answer with the <response> block only: no text before or after it, no <think> section, no code fence."
)
BOOLEAN_FOOTER = "Answer with exactly one word, YES or NO, and nothing else."

SHOULD_RESPOND_TEMPLATE = f"""<task>Decide whether {{{{agentName}}}} should answer the latest message.</task>

<providers>
{{{{providers}}}}
</providers>

<rules>
- RESPOND when {{{{agentName}}}} is named or addressed, or the message continues a thread {{{{agentName}}}} is in.
- IGNORE when the message is addressed to someone else, or when {{{{agentName}}}} has nothing useful to add.
- STOP when someone asks {{{{agentName}}}} to stop talking, be quiet or leave the conversation.
- When unsure in a group conversation, prefer IGNORE.
</rules>

<output>
<response>
  <name>{{{{agentName}}}}</name>
  <reasoning>one or two sentences explaining the choice</reasoning>
  <action>RESPOND | IGNORE | STOP</action>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

MESSAGE_HANDLER_TEMPLATE = f"""<task>Write the next reply of {{{{agentName}}}} and choose the actions behind it.</task>

<providers>
{{{{providers}}}}
</providers>
{{{{#if actionsWithParams}}}}
<actions_and_parameters>
{{{{actionsWithParams}}}}
</actions_and_parameters>
{{{{/if}}}}
<instructions>
Plan the reply of {{{{agentName}}}} to the latest message, in the voice described above.

Actions:
- Actions run in the order you list them. Put REPLY first when {{{{agentName}}}} should say something.
- IGNORE means no reply at all and must be the only action.
- Use only actions from the available actions.

Parameters (optional):
- Some actions list **Parameters**. When you choose one of them, add a <params> element to the response with
  one child element named after that action, holding one element per parameter (the parameter name as the tag,
  its value as the text). Always give the parameters marked required.
- Leave <params> out when none of the chosen actions takes parameters.

Providers (extra context fetched before the actions run; leave empty when none is needed):
- ATTACHMENTS when the message mentions images, files or links, or "(Attachments:" appears above.
- ENTITIES when the message is about specific people; RELATIONSHIPS when it is about how people relate.
- FACTS when remembered facts would help; WORLD when the server, channels or community matter.

Text:
- The message {{{{agentName}}}} will send. Put any code in fenced code blocks.
</instructions>

<output>
<response>
  <thought>what {{{{agentName}}}} is thinking and why these actions</thought>
  <actions>REPLY</actions>
  <providers></providers>
  <text>the reply</text>
</response>
</output>

The same response with parameters for a chosen action ACTION_NAME (use the real action and parameter names):
<response>
  <thought>what {{{{agentName}}}} is thinking and why these actions</thought>
  <actions>REPLY,ACTION_NAME</actions>
  <providers></providers>
  <params>
    <ACTION_NAME>
      <parameterName>value</parameterName>
    </ACTION_NAME>
  </params>
  <text>the reply</text>
</response>

{RESPONSE_ONLY_FOOTER}"""

REPLY_TEMPLATE = f"""<task>Write the reply of {{{{agentName}}}} to the latest message.</task>

<providers>
{{{{providers}}}}
</providers>

<instructions>
Stay in the voice of {{{{agentName}}}}, answer the person who wrote last, and do not repeat earlier replies.
Put any code in fenced code blocks.
</instructions>

<output>
<response>
  <thought>a short note on how {{{{agentName}}}} approaches the reply</thought>
  <text>the reply</text>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

REFLECTION_TEMPLATE = f"""<task>Reflect on the recent conversation as {{{{agentName}}}}: extract new facts and
relationships.</task>

{{{{providers}}}}

<examples>
{{{{evaluationExamples}}}}
</examples>

<entities>
{{{{entitiesInRoom}}}}
</entities>

<existing_relationships>
{{{{existingRelationships}}}}
</existing_relationships>

<context>
Room type: {{{{roomType}}}}
Latest sender: {{{{senderName}}}} (ID {{{{senderId}}}})

{{{{recentMessages}}}}

Facts already known:
{{{{knownFacts}}}}
</context>

<instructions>
1. Think briefly about how the conversation is going for {{{{agentName}}}}.
2. List new facts stated in the conversation. type is fact (lasting), opinion, or status (temporary).
   in_bio is true when the fact is already in the character description; already_known is true when it is
   among the known facts.
3. List relationships between participants, using entity ids from the entities above, with short tags.
</instructions>

<output>
<response>
  <thought>a short self-reflection</thought>
  <facts>
    <fact>
      <claim>the fact as one sentence</claim>
      <type>fact | opinion | status</type>
      <in_bio>false</in_bio>
      <already_known>false</already_known>
    </fact>
  </facts>
  <relationships>
    <relationship>
      <sourceEntityId>entity id</sourceEntityId>
      <targetEntityId>entity id</targetEntityId>
      <tags>comma,separated,tags</tags>
    </relationship>
  </relationships>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""


def _room_state_template(question: str) -> str:
    return f"""<task>{question}</task>

{{{{recentMessages}}}}

Consider only what was said to {{{{agentName}}}} in the conversation above.

{BOOLEAN_FOOTER}"""


SHOULD_FOLLOW_ROOM_TEMPLATE = _room_state_template(
    "Did someone explicitly ask {{agentName}} to follow this room, join in or pay attention to it?"
)
SHOULD_UNFOLLOW_ROOM_TEMPLATE = _room_state_template(
    "Did someone explicitly ask {{agentName}} to stop following this room or stop joining in?"
)
SHOULD_MUTE_ROOM_TEMPLATE = _room_state_template(
    "Did someone explicitly ask {{agentName}} to mute this room, be quiet or stop replying here?"
)
SHOULD_UNMUTE_ROOM_TEMPLATE = _room_state_template(
    "Did someone explicitly ask {{agentName}} to unmute this room or start replying here again?"
)

POST_CREATION_TEMPLATE = f"""<task>Write a new post for {{{{agentName}}}} (@{{{{twitterUserName}}}}).</task>

{{{{providers}}}}

<instructions>
Write one post about {{{{topic}}}} in a {{{{adjective}}}} tone, in the voice of {{{{agentName}}}}.
Keep it under 280 characters and one to three sentences. No questions, no emojis, no hashtags.
Also describe an image that would suit the post, or leave imagePrompt empty.
</instructions>

<output>
<response>
  <thought>why this post</thought>
  <post>the post</post>
  <imagePrompt>an image description, or empty</imagePrompt>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

IMAGE_DESCRIPTION_TEMPLATE = f"""<task>Describe the attached image.</task>

<instructions>
Give a short title, a one-paragraph description of what the image shows, and any text visible in it.
</instructions>

<output>
<response>
  <title>a short title</title>
  <description>what the image shows</description>
  <text>text visible in the image, or empty</text>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

MULTI_STEP_DECISION_TEMPLATE = f"""<task>Choose the next step for {{{{agentName}}}} to handle the request.</task>

{{{{recentMessages}}}}

<available_actions>
{{{{actionsWithParams}}}}
</available_actions>

<available_providers>
{{{{providersWithDescriptions}}}}
</available_providers>

<results_so_far>
{{{{actionResults}}}}
</results_so_far>

<instructions>
Take one step at a time: either run one action (with its parameters as a JSON object), or fetch providers,
or finish. Set isFinish to true once the results above are enough to answer; then leave action empty.
Never repeat a step that already succeeded.
</instructions>

<output>
<response>
  <thought>what is known, what is missing, what to do next</thought>
  <action>ACTION_NAME or empty</action>
  <parameters>a JSON object of the action's parameters</parameters>
  <providers>comma-separated provider names or empty</providers>
  <isFinish>false</isFinish>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

MULTI_STEP_SUMMARY_TEMPLATE = f"""<task>Write the final reply of {{{{agentName}}}} using the results of the
steps taken.</task>

{{{{bio}}}}

{{{{system}}}}

{{{{messageDirections}}}}

{{{{recentMessages}}}}

<results>
{{{{actionResults}}}}
</results>

<latest_message>
{{{{recentMessage}}}}
</latest_message>

<instructions>
Answer the latest message from the results above. Say plainly what failed, if anything did.
</instructions>

<output>
<response>
  <thought>how the results answer the request</thought>
  <text>the reply</text>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

TARGET_EXTRACTION_TEMPLATE = f"""<task>Find where {{{{agentName}}}} should send a message.</task>

{{{{recentMessages}}}}

<instructions>
Work out who or where the message should go to: a user or a room. Give the platform (source) and the
identifiers you can read from the conversation (user name, user id, room or channel name).
</instructions>

<output>
<response>
  <targetType>user | room</targetType>
  <source>platform name</source>
  <identifiers>
    <username>name or empty</username>
    <userId>id or empty</userId>
    <roomName>room or channel name or empty</roomName>
  </identifiers>
  <message>the text to send</message>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

COMPONENT_EXTRACTION_TEMPLATE = f"""<task>Extract contact details to store about a person.</task>

{{{{recentMessages}}}}

<known_entities>
{{{{entities}}}}
</known_entities>

<instructions>
Find the person the latest message is about and the details to store for one platform (source).
Put each detail in its own element inside data.
</instructions>

<output>
<response>
  <entityId>the person's entity id, or empty if unknown</entityId>
  <source>platform name</source>
  <data>
    <username>example detail</username>
  </data>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

ROLE_EXTRACTION_TEMPLATE = f"""<task>Extract the role changes requested in the latest message.</task>

{{{{recentMessages}}}}

<people>
{{{{entities}}}}
</people>

<instructions>
Roles are OWNER, ADMIN and NONE. Only list changes asked for explicitly, using entity ids from the people above.
</instructions>

<output>
<response>
  <thought>who asked for what</thought>
  <assignments>
    <assignment>
      <entityId>entity id</entityId>
      <newRole>OWNER | ADMIN | NONE</newRole>
    </assignment>
  </assignments>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

OPTION_EXTRACTION_TEMPLATE = f"""<task>Work out which pending option the user chose.</task>

{{{{recentMessages}}}}

<pending_tasks>
{{{{tasks}}}}
</pending_tasks>

<instructions>
Identify the task (by the short id shown above) and the option the user picked. If the user did not clearly
choose, use an empty taskId.
</instructions>

<output>
<response>
  <taskId>the short task id</taskId>
  <selectedOption>the chosen option</selectedOption>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

IMAGE_PROMPT_TEMPLATE = f"""<task>Write an image-generation prompt for {{{{agentName}}}}.</task>

{{{{recentMessages}}}}

<instructions>
Describe, in one or two vivid sentences, the picture the user is asking for.
</instructions>

<output>
<response>
  <prompt>the image prompt</prompt>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""

ENTITY_RESOLUTION_TEMPLATE = f"""<task>Identify the person the latest message refers to.</task>

{{{{recentMessages}}}}

<people>
{{{{entities}}}}
</people>

<instructions>
Match the reference against the people above. type is EXACT_MATCH (by id), USERNAME_MATCH, NAME_MATCH,
RELATIONSHIP_MATCH, AMBIGUOUS (several candidates) or UNKNOWN.
</instructions>

<output>
<response>
  <entityId>the matched entity id, or empty</entityId>
  <type>EXACT_MATCH | USERNAME_MATCH | NAME_MATCH | RELATIONSHIP_MATCH | AMBIGUOUS | UNKNOWN</type>
  <matches>
    <match>
      <name>candidate name</name>
      <reason>why it matches</reason>
    </match>
  </matches>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""


def _settings_reply_template(task: str, guidance: str) -> str:
    return f"""<task>{task}</task>

{{{{recentMessages}}}}

<saved_settings>
{{{{updatedSettings}}}}
</saved_settings>

<settings_still_needed>
{{{{missingSettings}}}}
</settings_still_needed>

<instructions>
Write the message {{{{agentName}}}} sends to the server owner, in the voice of {{{{agentName}}}}.
{guidance}
Never repeat a value shown as hidden; keep it to two or three sentences.
</instructions>

<output>
<response>
  <text>the message</text>
</response>
</output>

{RESPONSE_ONLY_FOOTER}"""


SETTINGS_UPDATED_TEMPLATE = _settings_reply_template(
    "Confirm the settings {{agentName}} just saved during onboarding.",
    "Say which settings were saved, then ask for the next setting still needed: {{nextSetting}}.",
)
SETTINGS_COMPLETE_TEMPLATE = _settings_reply_template(
    "Tell the owner that onboarding is complete.",
    "Say which settings were saved and that every required setting is now configured; thank the owner.",
)
SETTINGS_FAILED_TEMPLATE = _settings_reply_template(
    "Explain that {{agentName}} could not find a setting value in the latest message.",
    "Say that nothing was saved, and ask the owner to state a value for one of the settings still needed, "
    "for example {{nextSetting}}.",
)

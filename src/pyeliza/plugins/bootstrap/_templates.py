"""Prompts used only by bootstrap actions (our own wording; the others live in ``pyeliza.prompts``)."""

from __future__ import annotations

SETTINGS_EXTRACTION_TEMPLATE = """# Task: extract setting values the user gave explicitly.

Settings that can be set:
{{settingsList}}

{{recentMessages}}

Return only settings whose value the user stated. Answer only with this XML block (one <setting> per value):
<response>
<settings>
  <setting>
    <key>SETTING_KEY</key>
    <value>the value</value>
  </setting>
</settings>
</response>"""

"""Understanding: read one message into commands the planner decides on (pure, deterministic).

`reader.understand` is the entry point; `cues` holds the generic phrase tables and the message
being read; `slot_names` maps a person's words ("the time", "my name") to slots and explicit
changes; `text_values` reads text values by cue (business, area, product, person, note).
"""

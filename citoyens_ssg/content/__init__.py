"""What volunteers write, made safe and readable: the one sanitiser, French
typography, the checks of a content file and the paths it may reference, photos, sounds
and videos, events and their iCalendar form.  Pure helpers used by both stages.
"""

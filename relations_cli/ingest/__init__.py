"""Reading what users already have (sheets, calendars, Markwhen, JSON) as event drafts."""

// Reads an iCalendar file with ical.js (Mozilla's parser, as Thunderbird uses it) and prints
// what a calendar would show of each VEVENT as JSON: its start and end as ical.js computes
// them (DTEND, or DTSTART + DURATION, or the default end of RFC 5545 §3.6.1), whether they
// are dates, and their zone ("Z", "floating" or a TZID). Usage: node read-ics.mjs FILE
import {readFileSync} from "node:fs";
import ICAL from "../js/node_modules/ical.js/dist/ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
const zone = t => t.zone === ICAL.Timezone.utcTimezone ? "Z"
  : t.zone === ICAL.Timezone.localTimezone || !t.zone ? "floating" : t.zone.tzid;
const out = {
  name: calendar.getFirstPropertyValue("x-wr-calname"),
  events: calendar.getAllSubcomponents("vevent").map(component => {
    const event = new ICAL.Event(component);
    const start = event.startDate, end = event.endDate;
    return {
      uid: event.uid, summary: event.summary, description: event.description,
      start: start.toString(), end: end.toString(), is_date: start.isDate,
      end_is_date: end.isDate, start_zone: zone(start), end_zone: zone(end),
      start_unix: start.isDate ? null : start.toUnixTime(),
      end_unix: end.isDate ? null : end.toUnixTime(),
      tzid: component.getFirstProperty("dtstart").getParameter("tzid") || null,
    };
  }),
};
process.stdout.write(JSON.stringify(out));

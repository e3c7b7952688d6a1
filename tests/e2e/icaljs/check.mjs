// tests/e2e/icaljs/check.mjs FILE: parse an iCalendar file with ical.js
// (the parser of Thunderbird) and print one line per component:
//   VEVENT uid seq start_utc tzid local status nalarms summary
//   VTODO  uid seq due_utc   tzid local status related
// Exits 1 if the file does not parse.
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';

const root = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], 'utf8')));
for (const v of root.getAllSubcomponents('vtimezone'))
	ICAL.TimezoneService.register(v);
const pad = (n) => String(n).padStart(2, '0');
const local = (t) => `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}`;
for (const c of root.getAllSubcomponents()) {
	const name = c.name.toUpperCase();
	if (name !== 'VEVENT' && name !== 'VTODO')
		continue;
	const t = c.getFirstPropertyValue(name === 'VEVENT' ? 'dtstart' : 'due');
	const utc = t.toJSDate().toISOString();
	const extra = name === 'VEVENT' ? c.getAllSubcomponents('valarm').length
	    : c.getFirstPropertyValue('related-to');
	console.log([name, c.getFirstPropertyValue('uid'),
	    c.getFirstPropertyValue('sequence'), utc, t.zone ? t.zone.tzid : 'floating',
	    local(t), c.getFirstPropertyValue('status'), extra,
	    c.getFirstPropertyValue('summary')].join('\t'));
}

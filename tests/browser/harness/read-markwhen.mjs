// Reads a Markwhen file with @markwhen/parser (the parser of Markwhen's editor and views) and
// prints what it found as JSON: the header, the parser's messages, and each event with its
// section path, title, tags, properties and range (`fromDateTimeIso`, `toDateTimeIso`: the
// end is exclusive). Usage: node read-markwhen.mjs FILE
import {readFileSync} from "node:fs";
import {parse} from "../js/node_modules/@markwhen/parser/lib/index.js";

const result = parse(readFileSync(process.argv[2], "utf8"));
const events = [];
const walk = (node, path) => {
  if (node.children) {
    node.children.forEach(child => walk(child, node.title ? [...path, node.title] : path));
    return;
  }
  events.push({
    path, title: node.firstLine.restTrimmed, date: node.firstLine.datePart,
    from: node.dateRangeIso.fromDateTimeIso, to: node.dateRangeIso.toDateTimeIso,
    tags: node.tags, properties: node.properties,
    description: (node.supplemental || []).map(block => block.raw ?? ""),
  });
};
walk(result.events, []);
process.stdout.write(JSON.stringify({header: result.header, messages: result.parseMessages,
                                     events}));

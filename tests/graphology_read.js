// Re-read a GraphML or GEXF file with Gephi Lite's importers (graphology-graphml,
// graphology-gexf) and print what they saw as JSON: used by tests/test_readers.py.
// Usage: node tests/graphology_read.js graphml|gexf FILE
"use strict";
const fs = require("fs");
const Graph = require("graphology");

const [format, path] = process.argv.slice(2);
const importer = format === "gexf" ? require("graphology-gexf") : require("graphology-graphml");
const graph = importer.parse(Graph, fs.readFileSync(path, "utf-8"));
const nodes = {};
graph.forEachNode((key, attributes) => { nodes[key] = attributes; });
const edges = [];
graph.forEachEdge((key, attributes, source, target, _s, _t, undirected) => {
  edges.push({ source, target, undirected, attributes });
});
process.stdout.write(JSON.stringify({ type: graph.type, multi: graph.multi, order: graph.order, size: graph.size, nodes, edges }));

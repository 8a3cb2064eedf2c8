// Validates every object of a rendered multi-document YAML file against the Kubernetes and
// Prometheus Operator JSON schemas (npm kubernetes-models), offline. Prints one line per object;
// exits 1 if any object is invalid or of a kind it has no schema for.
// Usage: node validate.mjs RENDERED.yaml [OBJECTS.json]  (the second writes the objects as JSON,
// for tests that have no YAML parser of their own)
import { readFileSync, writeFileSync } from "node:fs";
import yaml from "js-yaml";

// apiVersion -> the package module holding its models.
function modelModule(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  }
  return `kubernetes-models/${apiVersion}`;
}

const documents = yaml.loadAll(readFileSync(process.argv[2], "utf8")).filter((d) => d);
if (process.argv[3]) writeFileSync(process.argv[3], JSON.stringify(documents));
let failures = 0;
for (const object of documents) {
  const what = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  try {
    const Model = (await import(modelModule(object.apiVersion)))[object.kind];
    if (!Model) throw new Error(`no schema for kind ${object.kind}`);
    new Model(object).validate();
    console.log(`valid: ${what}`);
  } catch (error) {
    failures += 1;
    console.log(`INVALID: ${what}: ${error.message}`);
  }
}
if (documents.length === 0) {
  console.log("INVALID: no objects");
  failures += 1;
}
process.exit(failures === 0 ? 0 : 1);

// The service's OpenAPI document under ajv, the JSON Schema 2020-12 validator JavaScript
// clients and many gateways use: every schema of the document compiled (patterns as
// ECMA-262 regular expressions in unicode mode, formats checked), and each real answer
// validated against the schema the document declares for it.
//   node validate.mjs openapi.json answers.json
// answers.json: [{"what": "GET /agreements", "schema": "AgreementsPage", "answer": {...}}, ...]
// Prints what failed, one line each, and exits 1 if anything did.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [documentPath, answersPath] = process.argv.slice(2);
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const answers = JSON.parse(readFileSync(answersPath, "utf8"));

// OpenAPI's own keywords (discriminator) are not JSON Schema's: strict mode would refuse them.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "openapi.json", components: document.components });

const failures = [];
const names = Object.keys(document.components.schemas);
for (const name of names) {
  try {
    ajv.getSchema(`openapi.json#/components/schemas/${name}`);
  } catch (error) {
    failures.push(`${name} does not compile: ${error.message}`);
  }
}
for (const { what, schema, answer } of answers) {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${schema}`);
  if (validate && !validate(answer)) {
    failures.push(`${what} is not a ${schema}: ${ajv.errorsText(validate.errors)}`);
  }
}
for (const failure of failures) console.log(failure);
console.log(`compiled ${names.length} schemas, validated ${answers.length} answers, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);

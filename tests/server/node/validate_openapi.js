// Validates docs/openapi.json (or the file given) with swagger-parser: the OpenAPI 3.1 schema and
// every $ref resolved. usage: node validate_openapi.js FILE
const SwaggerParser = require("@apidevtools/swagger-parser");
SwaggerParser.validate(process.argv[2])
  .then((api) => {
    console.log(`valid: ${api.info.title} ${api.info.version}, ${Object.keys(api.paths).length} paths`);
  })
  .catch((err) => {
    console.error(`invalid: ${err.message}`);
    process.exit(1);
  });
